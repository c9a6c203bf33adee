using Logistics.Web.Auth;
using Logistics.Web.Components.Pages.Transit;
using Logistics.Web.Gateway;
using Logistics.Web.Resources;
using Microsoft.Extensions.Localization;

namespace Logistics.Web.Inbox;

/// <summary>
/// What waits for the signed-in user, read through the public API with their token (each list the API would show
/// them anyway), then filtered by <see cref="InboxRules"/> and the user's marks. Codes the services send (a state, an
/// anomaly's kind) are shown in the user's words.
/// </summary>
public sealed class InboxReader(GatewayApi api, InboxStore store, TimeProvider clock, IStringLocalizer<Text> L)
{
    private const int PageSize = 200;

    /// <summary>The items shown (not marked done), those the user hid, and the user's marks.</summary>
    public sealed record Inbox(IReadOnlyList<InboxItem> Items, IReadOnlyList<InboxItem> Hidden, IReadOnlyDictionary<string, InboxMark> Marks)
    {
        public bool IsRead(InboxItem item) => Marks.TryGetValue(item.Key, out var m) && m.Read;
    }

    public async Task<Inbox> ReadAsync(CancellationToken ct = default)
    {
        var session = await api.SessionAsync();
        var now = clock.GetUtcNow();
        var items = new List<InboxItem>();
        if (session.Is("supervisor")) items.AddRange(await ApprovalsAsync(session));
        if (session.Is("delivery-manager")) items.AddRange(await ClaimsAsync(session));
        if (session.Is("engineer")) items.AddRange(await ReturnsAsync(session, now));
        if (session.Is("warehouse")) items.AddRange(await ShipmentsAsync(now));
        if (session.Is("warehouse") || session.Is("supervisor")) items.AddRange(await CountsAsync(session));
        if (InboxRules.SeesAnomalies(session.Roles)) items.AddRange(await AnomaliesAsync());
        if (session.Is("delivery-manager") || session.Is("warehouse") || session.Is("supervisor")) items.AddRange(await TransitAsync(session));
        var marks = await store.MarksAsync(session.UserId, ct);
        var visible = InboxRules.Visible(items, marks);
        return new Inbox(visible, items.Except(visible).ToList(), marks);
    }

    private async Task<IEnumerable<InboxItem>> ApprovalsAsync(Session session)
    {
        var page = await api.Requests.ListPartRequestsAsync(new() { State = "Submitted", PageSize = PageSize }, await api.ReadAsync());
        return page.Requests.Where(r => InboxRules.AwaitsApproval(r.State, r.EngineerId, session.UserId))
            .Select(r => new InboxItem(InboxRules.KeyOf(InboxKind.Approval, r.RequestId), InboxKind.Approval,
                $"{r.RequestId} · {r.PartNumber} × {r.Quantity} · {r.CentreId} · {r.EngineerId}", L.WhyWaiting(r),
                $"/requests/{r.RequestId}", r.ShipBy?.ToDateTimeOffset(), r.SubmittedAt?.ToDateTimeOffset()));
    }

    private async Task<IEnumerable<InboxItem>> ClaimsAsync(Session session)
    {
        var page = await api.Doa.ListDoaClaimsAsync(new() { State = "Filed", PageSize = PageSize }, await api.ReadAsync());
        return page.Claims.Where(c => InboxRules.AwaitsDecision(c.State, c.FiledBy, session.UserId))
            .Select(c => new InboxItem(InboxRules.KeyOf(InboxKind.DoaClaim, c.ClaimId), InboxKind.DoaClaim,
                $"{c.ClaimId} · {c.PartNumber} · {c.Serial} · {c.CentreId}", L["by {0}", c.FiledBy],
                $"/doa-claims/{c.ClaimId}", null, c.FiledAt?.ToDateTimeOffset()));
    }

    private async Task<IEnumerable<InboxItem>> ReturnsAsync(Session session, DateTimeOffset now)
    {
        var items = new List<InboxItem>();
        foreach (var state in new[] { "Open", "Packed" })
        {
            var page = await api.Returns.ListReturnsAsync(new() { EngineerId = session.UserId, State = state, PageSize = PageSize }, await api.ReadAsync());
            items.AddRange(page.Returns.Where(r => InboxRules.ReturnDueSoon(r.State, r.DueAt?.ToDateTimeOffset(), r.Overdue, now))
                .Select(r => new InboxItem(InboxRules.KeyOf(InboxKind.ReturnDue, r.ReturnId), InboxKind.ReturnDue,
                    $"{r.ReturnId} · {r.PartNumber} · {r.Serial}", L.Word(r.State), $"/returns/{r.ReturnId}", r.DueAt?.ToDateTimeOffset(), null)));
        }
        return items;
    }

    private async Task<IEnumerable<InboxItem>> ShipmentsAsync(DateTimeOffset now)
    {
        // The API lists the requests of every centre the user works for.
        var page = await api.Requests.ListPartRequestsAsync(new() { State = "Reserved", PageSize = PageSize }, await api.ReadAsync());
        return page.Requests.Where(r => InboxRules.ShipSoon(r.State, r.ShipBy?.ToDateTimeOffset(), now))
            .Select(r => new InboxItem(InboxRules.KeyOf(InboxKind.ShipSoon, r.RequestId), InboxKind.ShipSoon,
                $"{r.RequestId} · {r.PartNumber} × {r.Quantity} · {r.CentreId} · {r.ServiceLevel}", "",
                $"/requests/{r.RequestId}", r.ShipBy?.ToDateTimeOffset(), r.SubmittedAt?.ToDateTimeOffset()));
    }

    private async Task<IEnumerable<InboxItem>> CountsAsync(Session session)
    {
        var states = new List<string>();
        if (session.Is("warehouse")) states.Add("Recounting");
        if (session.Is("supervisor")) states.Add("ReadyToReview");
        var items = new List<InboxItem>();
        foreach (var state in states)
        {
            // Without a centre, the API lists the counts of every centre the user works for.
            var page = await api.Counts.ListCountsAsync(new() { State = state, Order = "urgent", PageSize = PageSize }, await api.ReadAsync());
            foreach (var count in page.Counts)
            {
                if (InboxRules.CountWork(count.State, session.Roles) is not { } kind) continue;
                items.Add(new InboxItem(InboxRules.KeyOf(kind, count.CountId, count.State), kind,
                    $"{count.CountId} · {count.CentreId} · {string.Join(", ", count.Bins)}", L.Word(count.State),
                    kind == InboxKind.Recount ? $"/warehouse/counts/{count.CountId}" : $"/counts/{count.CountId}/review", null,
                    count.OpenedAt?.ToDateTimeOffset()));
            }
        }
        return items;
    }

    private async Task<IEnumerable<InboxItem>> AnomaliesAsync()
    {
        // Only open anomalies: a resolved one is no longer work (custody-anomaly-resolved wakes the inbox to drop it).
        var page = await api.Custody.ListAnomaliesAsync(new() { State = "open", PageSize = PageSize }, await api.ReadAsync());
        return page.Anomalies.Select(a => new InboxItem(InboxRules.KeyOf(InboxKind.Anomaly, a.AnomalyId), InboxKind.Anomaly,
            $"{L.Word(a.Kind)} · {a.Serial}", a.Detail, "/anomalies", null, a.DetectedAt?.ToDateTimeOffset()));
    }

    private async Task<IEnumerable<InboxItem>> TransitAsync(Session session)
    {
        // Without a centre, the API lists the open investigations of every centre the user may see.
        var list = await api.Receipts.ListTransitInvestigationsAsync(new() { State = "open" }, await api.ReadAsync());
        return list.Investigations.Where(i => InboxRules.AwaitsTransitAction(i.State, i.ProposedBy, session.UserId, session.Roles))
            .Select(i => new InboxItem(InboxRules.KeyOf(InboxKind.LostInTransit, i.InvestigationId, i.State), InboxKind.LostInTransit,
                $"{i.InvestigationId} · {i.PartNumber} · {string.Join(", ", i.Serials)} · {i.CentreId}", L[TransitInvestigations.StateLabel(i.State)],
                $"/transit-investigations/{i.InvestigationId}", null, i.OpenedAt?.ToDateTimeOffset()));
    }
}
