using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain.Counts;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using CountAdjustmentProto = Logistics.Inventory.V1.CountAdjustment;
using CountLineProto = Logistics.Inventory.V1.CountLine;
using StockCountProto = Logistics.Inventory.V1.StockCount;

namespace Logistics.Inventory.Api;

/// <summary>Stock counts: thin over the domain's <see cref="Domain.Counts.StockCount"/> and the <see cref="CountStore"/>.</summary>
public sealed class StockCountApi(
    CountStore counts, CountSnapshots snapshots, CentresTable centres, PartsTable parts, CountAdjustmentPoster poster, MovementDrain drain, CountLists lists, TimeProvider clock)
    : StockCountService.StockCountServiceBase
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 5000;

    public override async Task<StockCountProto> OpenCount(OpenCountRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var scope = CountScope.Define(request.CentreId, request.Bins, request.PartNumbers, CountStore.Policy);
        var centre = await centres.FindAsync(scope.CentreId, ct) ?? throw new NotFoundException($"centre {scope.CentreId} does not exist");
        caller.RequireCentre(centre.CentreId); // after the lookup, as every stock call: an unknown centre is a 404 for anyone
        var unknownBin = scope.Bins.FirstOrDefault(b => !centre.Bins.Contains(b));
        if (unknownBin is not null)
            throw new InvalidFieldException("bins", $"centre {centre.CentreId} has no bin {unknownBin} (bins: {string.Join(", ", centre.Bins)})");
        foreach (var partNumber in scope.PartNumbers)
            _ = await parts.FindAsync(partNumber, ct) ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        var countId = "CNT-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]);
        if (key is not null)
        {
            // A retried open names the same count: answer with it instead of opening a second one.
            try { return ToProto(await counts.ReadAsync(countId, ct), Viewer(caller), 0, 0); }
            catch (NotFoundException) { }
        }
        var now = clock.GetUtcNow();
        var count = Domain.Counts.StockCount.Open(countId, scope, request.HasBlind ? request.Blind : null, caller.UserId, CountStore.Policy, now);
        await drain.DrainAsync(scope.CentreId, ct); // movements from before the count must not mark it stale
        await using (var opened = await counts.OpenAsync(count, () => snapshots.ExpectedAsync(scope, ct), now, ct))
            await CommitAsync(opened, ct);
        return ToProto(count, Viewer(caller), 0, 0);
    }

    /// <summary>The counts of the caller's centres (see <see cref="CountLists"/>).</summary>
    public override Task<ListCountsResponse> ListCounts(ListCountsRequest request, ServerCallContext context) =>
        lists.ListAsync(request, Caller.From(context), context.CancellationToken);

    public override async Task<StockCountProto> GetCount(GetCountRequest request, ServerCallContext context)
    {
        var count = await counts.ReadAsync(Require.Code(request.CountId, "count_id", 64), context.CancellationToken);
        var caller = Caller.From(context);
        caller.RequireCentre(count.CentreId);
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize}")
            : request.PageSize;
        var from = string.IsNullOrEmpty(request.PageToken) ? 0
            : int.TryParse(request.PageToken, out var n) && n >= 0 ? n : throw new InvalidFieldException("page_token", "is not a token this API gave");
        return ToProto(count, Viewer(caller), from, size);
    }

    public override async Task<StockCountProto> SubmitLines(SubmitLinesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var lines = request.Lines.Select(l => new Domain.Counts.LineCount(l.Bin, l.PartNumber, l.CountedQuantity, [.. l.SerialsSeen])).ToList();
        await using var session = await counts.BeginAsync(Require.Code(request.CountId, "count_id", 64), ct);
        caller.RequireCentre(session.Count.CentreId); // before anything is written; the session rolls back unless committed
        if (session.Count.State == CountState.Recounting)
        {
            // A stale line is compared with the stock as it is now, read when it is recounted.
            var stale = session.Count.Sheet(new CountViewer(caller.UserId, CountRole.Warehouse)).Lines
                .Where(l => l.Stale).Select(l => new CountLineKey(l.Bin, l.PartNumber)).ToHashSet();
            foreach (var key in lines.Select(l => new CountLineKey(l.Bin ?? "", l.PartNumber ?? "")).Distinct().Where(stale.Contains))
                await session.ResnapshotAsync(await snapshots.ExpectedAsync(session.Count.Scope, key, ct), ct);
        }
        await session.SubmitAsync(lines, caller.UserId, clock.GetUtcNow(), ct);
        await CommitAsync(session, ct);
        return ToProto(session.Count, Viewer(caller), 0, 0);
    }

    public override async Task<StockCountProto> CloseCount(CloseCountRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        await using var session = await counts.BeginAsync(Require.Code(request.CountId, "count_id", 64), ct);
        caller.RequireCentre(session.Count.CentreId);
        await session.CloseAsync(clock.GetUtcNow(), ct);
        await CommitAsync(session, ct);
        return ToProto(session.Count, Viewer(caller), 0, DefaultPageSize);
    }

    /// <summary>
    /// Approves, then posts the adjustments (<see cref="CountAdjustmentPoster"/>): a retried approve, or the poster's
    /// resume at start after a crash half way, posts what is missing and nothing twice.
    /// </summary>
    public override async Task<ApproveCountResponse> ApproveCount(ApproveCountRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var reasons = new Dictionary<CountLineKey, string>();
        foreach (var r in request.Reasons)
            if (!reasons.TryAdd(new CountLineKey(r.Bin, r.PartNumber), r.ReasonCode))
                throw new InvalidFieldException("reasons", $"line ({r.Bin}, {r.PartNumber}) has two reasons");

        IReadOnlyList<Domain.Counts.CountAdjustment> adjustments;
        Domain.Counts.StockCount count;
        await using (var session = await counts.BeginAsync(Require.Code(request.CountId, "count_id", 64), ct))
        {
            caller.RequireCentre(session.Count.CentreId);
            var now = clock.GetUtcNow();
            adjustments = await session.ApproveAsync(caller.UserId, reasons, now, ct);
            await CommitAsync(session, ct);
            count = session.Count;
        }

        await poster.PostAsync(count, ct);
        return new ApproveCountResponse
        {
            Count = ToProto(count, Viewer(caller), 0, 0),
            Adjustments =
            {
                adjustments.Select(a => new CountAdjustmentProto
                {
                    Bin = a.Bin, PartNumber = a.PartNumber, Delta = a.Delta, SerialsAdded = { a.SerialsAdded }, SerialsRemoved = { a.SerialsRemoved }, ReasonCode = a.ReasonCode,
                }),
            },
        };
    }

    public override async Task<StockCountProto> CancelCount(CancelCountRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        await using var session = await counts.BeginAsync(Require.Code(request.CountId, "count_id", 64), ct);
        caller.RequireCentre(session.Count.CentreId);
        await session.CancelAsync(caller.UserId, clock.GetUtcNow(), ct);
        await CommitAsync(session, ct);
        return ToProto(session.Count, Viewer(caller), 0, 0);
    }

    /// <summary>Publishes the steps the session took, in its transaction, then commits.</summary>
    private static async Task CommitAsync(CountStore.Session session, CancellationToken ct)
    {
        await InventoryEvents.PublishCountStepsAsync(session, ct);
        await session.CommitAsync(ct);
    }

    private static CountViewer Viewer(Caller caller) =>
        new(caller.UserId, caller.IsIn(Roles.Supervisor) ? CountRole.Supervisor : CountRole.Warehouse);

    /// <summary>The count with a page of lines as this viewer may see them (the domain decides what that is).</summary>
    private static StockCountProto ToProto(Domain.Counts.StockCount count, CountViewer viewer, int from, int size)
    {
        var view = count.View(viewer);
        var proto = new StockCountProto
        {
            CountId = count.CountId, CentreId = count.CentreId, Bins = { count.Scope.Bins }, PartNumbers = { count.Scope.PartNumbers },
            Blind = count.Blind, State = count.State.ToString(), LineCount = count.NumberOfLines, Review = view is CountReview,
        };
        IReadOnlyList<CountLineProto> lines = view switch
        {
            CountReview review => review.Lines.Skip(from).Take(size).Select(ToProto).ToList(),
            CountSheet sheet => sheet.Lines.Skip(from).Take(size).Select(ToProto).ToList(),
            _ => [],
        };
        proto.Lines.AddRange(lines);
        if (size > 0 && from + size < count.NumberOfLines) proto.NextPageToken = (from + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return proto;
    }

    private static CountLineProto ToProto(CountSheetLine l)
    {
        var line = new CountLineProto
        {
            Bin = l.Bin, PartNumber = l.PartNumber, Serialized = l.Tracking == CountTracking.Serialized, Status = Status(l.Status),
            Stale = l.Stale, CountedBy = l.CountedBy ?? "", RecountedBy = l.RecountedBy ?? "",
        };
        if (l.YourCount is { } mine)
        {
            line.CountedQuantity = mine.Quantity;
            line.SerialsSeen.AddRange(mine.Serials);
        }
        return line;
    }

    private static CountLineProto ToProto(ReviewLine l)
    {
        var line = new CountLineProto
        {
            Bin = l.Bin, PartNumber = l.PartNumber, Serialized = l.Tracking == CountTracking.Serialized,
            Status = l.Recount is not null ? "recounted" : l.RecountReason is not null ? "to-recount" : l.FirstCount is not null ? "counted" : "to-count",
            Stale = l.Stale, CountedBy = l.FirstCount?.CountedBy ?? "", RecountedBy = l.Recount?.CountedBy ?? "",
            ExpectedQuantity = l.ExpectedQuantity, ExpectedSerials = { l.ExpectedSerials },
            MissingSerials = { l.MissingSerials }, UnexpectedSerials = { l.UnexpectedSerials },
        };
        if (l.CountedQuantity is { } counted) line.CountedQuantity = counted;
        if (l.Variance is { } variance) line.Variance = variance;
        line.SerialsSeen.AddRange((l.Recount ?? l.FirstCount)?.Serials ?? []);
        return line;
    }

    private static string Status(CountLineStatus status) => status switch
    {
        CountLineStatus.ToCount => "to-count",
        CountLineStatus.Counted => "counted",
        CountLineStatus.ToRecount => "to-recount",
        _ => "recounted",
    };
}
