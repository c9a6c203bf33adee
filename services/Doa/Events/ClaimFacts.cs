using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Events.V1;
using Npgsql;

namespace Logistics.Doa.Events;

/// <summary>
/// What doa learns from other services' events, applied in the inbox transaction. A handler never throws for an event
/// that is not ours, stale, repeated or early (throwing means redelivery and, finally, a dead letter): it applies what is
/// consistent and ignores the rest.
/// </summary>
public sealed class ClaimFacts(ClaimStore claims, DeliveriesTable deliveries, RequestTicketsTable tickets, TimeProvider clock, ILogger<ClaimFacts> logger)
{
    /// <summary>Receipt kinds that deliver a unit to its destination (a site, through the engineer or the carrier).</summary>
    public static readonly IReadOnlySet<string> DeliveryKinds = new HashSet<string>(StringComparer.Ordinal) { "centre-to-engineer", "carrier-to-site" };

    /// <summary>
    /// receipt-signed: every serial a delivery newly signs for becomes (or, when newer, replaces) that unit's delivery; a
    /// correction's withdrawn serials lose the delivery the superseded receipt made. When the receipt is for a claim's
    /// replacement request (or names the claim), the replacement was received.
    /// </summary>
    public async Task OnReceiptSignedAsync(NpgsqlTransaction tx, ReceiptSigned e, CancellationToken ct)
    {
        if (!DeliveryKinds.Contains(e.Kind)) return;
        var signedAt = e.SignedAt?.ToDateTimeOffset() ?? clock.GetUtcNow();
        foreach (var serial in e.Serials.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal))
        {
            var incoming = new Delivery(serial, e.Reference, e.PartNumber, e.CentreId, e.SiteId, e.SignedBy, signedAt, e.ReceiptId);
            var current = await deliveries.FindForUpdateAsync(tx, e.PartNumber, serial, ct);
            if (await deliveries.WasWithdrawnAsync(tx, incoming, ct))
            {
                // Its correction came first. Had it come in order, this delivery would have replaced an older current one
                // and then been withdrawn with it: so the older one goes now.
                if (current is not null && Delivery.Replaces(current, incoming)) await deliveries.DeleteAsync(tx, e.PartNumber, serial, ct);
                continue;
            }
            // A newer delivery of the unit was withdrawn: in order it would have replaced this one before it went.
            if (await deliveries.LatestWithdrawnAsync(tx, e.PartNumber, serial, ct) is { } withdrawn && withdrawn > incoming.DeliveredAt) continue;
            if (Delivery.Replaces(current, incoming)) await deliveries.SaveAsync(tx, incoming, ct);
        }
        if (!string.IsNullOrEmpty(e.Supersedes))
            foreach (var serial in e.WithdrawnSerials)
                await deliveries.WithdrawAsync(tx, e.PartNumber, serial, e.Supersedes, ct);

        if (e.Serials.Count == 0) return; // nothing newly signed for: the replacement was not received by this one
        var claim = !string.IsNullOrEmpty(e.DoaClaimId)
            ? await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct)
            : e.Reference.StartsWith(DoaClaim.ReplacementRequestPrefix, StringComparison.Ordinal)
                ? await claims.FindByReplacementRequestForUpdateAsync(tx, e.Reference, ct)
                : null;
        if (claim is null)
        {
            if (!string.IsNullOrEmpty(e.DoaClaimId)) logger.LogWarning("Receipt {ReceiptId} names claim {ClaimId}, which does not exist; ignored", e.ReceiptId, e.DoaClaimId);
            return;
        }
        var transitions = claim.RecordReplacementReceived(e.ReceiptId, e.Serials[0], e.SignedBy, signedAt);
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }

    /// <summary>part-request-shipped: keeps the request's ticket; for a claim's replacement, the replacement was shipped.</summary>
    public async Task OnPartRequestShippedAsync(NpgsqlTransaction tx, PartRequestShipped e, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(e.RequestId) && !string.IsNullOrEmpty(e.TicketId)) await tickets.SaveAsync(tx, e.RequestId, e.TicketId, ct);
        if (string.IsNullOrEmpty(e.DoaClaimId)) return;
        var claim = await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct);
        if (claim is null)
        {
            logger.LogWarning("Request {RequestId} shipped for claim {ClaimId}, which does not exist; ignored", e.RequestId, e.DoaClaimId);
            return;
        }
        var transitions = claim.RecordReplacementShipped(e.Serials.FirstOrDefault(), e.ShippedBy, e.ShippedAt?.ToDateTimeOffset() ?? clock.GetUtcNow());
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }

    /// <summary>
    /// return-changed: the dead-unit return of a claim reached the centre (step received; a later step inspected also
    /// proves it, should received be missed). Other returns and steps are not ours.
    /// </summary>
    public async Task OnReturnChangedAsync(NpgsqlTransaction tx, ReturnChanged e, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.DoaClaimId) || e.Step is not ("received" or "inspected")) return;
        var claim = await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct);
        if (claim is null)
        {
            logger.LogWarning("Return {ReturnId} names claim {ClaimId}, which does not exist; ignored", e.ReturnId, e.DoaClaimId);
            return;
        }
        if (!string.IsNullOrEmpty(e.Serial) && e.Serial != claim.Serial)
        {
            logger.LogWarning("Return {ReturnId} of serial {Serial} names claim {ClaimId} of serial {ClaimSerial}; ignored",
                e.ReturnId, e.Serial, claim.ClaimId, claim.Serial);
            return;
        }
        var transitions = claim.RecordUnitReturned(e.ReturnId, e.By, e.OccurredAt?.ToDateTimeOffset() ?? clock.GetUtcNow());
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }
}
