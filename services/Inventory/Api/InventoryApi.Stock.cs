using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using StockChangeProto = Logistics.Inventory.V1.StockChange;
using StockLevelProto = Logistics.Inventory.V1.StockLevel;
using MovementProto = Logistics.Inventory.V1.Movement;
using ReservationProto = Logistics.Inventory.V1.Reservation;
using StockDifferenceProto = Logistics.Inventory.V1.StockDifference;
using StockDeltasProto = Logistics.Inventory.V1.StockDeltas;

namespace Logistics.Inventory.Api;

/// <summary>The stock half of InventoryService: goods-in, levels, serials, reservations, the ledger, reconcile and rebuild.</summary>
public sealed partial class InventoryApi
{
    public const int DefaultPageSize = 100;

    public override async Task<StockChangeProto> GoodsIn(GoodsInRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        var bin = centre.RequireBin(request.Bin);
        var part = await RequirePartAsync(request.PartNumber, context.CancellationToken);
        var batch = StockFields.Batch(request.Batch); // checked before any serial is claimed: a bad batch writes nothing
        var command = Command(centre.CentreId, context);
        // Against an ASN: it must be this centre's and open (or this goods-in's retry), checked before anything moves.
        var asnId = string.IsNullOrEmpty(request.AsnId) ? null : ReplenishmentApi.AsnId(request.AsnId);
        if (asnId is not null)
        {
            var asn = await replenishment.ReadAsnAsync(asnId, context.CancellationToken);
            if (asn.CentreId != centre.CentreId)
                throw new RuleViolationException($"expected goods-in {asnId} is for centre {asn.CentreId}, not {centre.CentreId}");
            asn.RequireOpenFor(command.IdempotencyKey);
        }
        // A serial is unique within its part number: claimed for this centre across all centres before its script runs.
        var serials = part.Serialized ? StockFields.Serials(request.Serials) : [];
        var change = await claims.ClaimWhileAsync(command, part.PartNumber, serials, request.Reference ?? "",
            () => stock.GoodsInAsync(command, part.PartNumber, part.Serialized, bin, request.Serials, request.Quantity, request.Reference, batch),
            context.CancellationToken);
        var response = ToProto(change);
        if (asnId is not null)
            response.ExpectedGoodsIn = ReplenishmentApi.ToProto(await ReceiveAgainstAsnAsync(asnId, command, change.Movement, context));
        return response;
    }

    /// <summary>
    /// Books the goods-in on its ASN after the stock is in. Keyed by the goods-in's idempotency key: a retry after a crash
    /// between Redis and Postgres replays the script and books the receipt now, once.
    /// </summary>
    private async Task<Domain.Replenishment.ExpectedGoodsIn> ReceiveAgainstAsnAsync(string asnId, StockCommand command, Domain.Stock.Movement movement, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await ReplenishmentStore.ReadAsnForUpdateAsync(tx, asnId, ct);
        var after = before.Receive(command.IdempotencyKey, movement.PartNumber, movement.Quantity, movement.Serials,
            Caller.From(context).UserId, clock.GetUtcNow());
        if (!ReferenceEquals(before, after)) await ReplenishmentStore.UpdateAsnAsync(tx, after, ct);
        await CommitSignal.CommitAsync(tx, ct);
        return after;
    }

    /// <summary>Engineers and delivery managers read any centre's levels (to choose where to ask); staff only their centres'.</summary>
    public override async Task<StockLevelProto> GetStock(GetStockRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId, StockReadersEverywhere);
        var part = await RequirePartAsync(request.PartNumber, context.CancellationToken);
        return ToProto(await stock.GetLevelAsync(centre.CentreId, part.PartNumber));
    }

    public override async Task<ListStockResponse> ListStock(ListStockRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId, StockReadersEverywhere);
        var page = await stock.ListLevelsAsync(centre.CentreId, request.PageToken, PageSize(request.PageSize, StockStore.MaxPageSize));
        return new ListStockResponse { Levels = { page.Levels.Select(ToProto) }, NextPageToken = page.NextCursor };
    }

    public override async Task<ListSerialsResponse> ListSerials(ListSerialsRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        var part = await RequirePartAsync(request.PartNumber, context.CancellationToken);
        var serials = await stock.ListSerialsAsync(centre.CentreId, part.PartNumber);
        return new ListSerialsResponse
        {
            Serials = { serials.Where(s => s.Place == SerialPlace.OnHand).Select(s => new SerialInBin { Serial = s.Serial, Bin = s.Bin }) },
        };
    }

    public override async Task<ReservationProto> Reserve(ReserveRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        var part = await RequirePartAsync(request.PartNumber, context.CancellationToken);
        var command = Command(centre.CentreId, context);
        // The reservation id carries its centre, so a release needs nothing else; derived from the idempotency
        // key when there is one, so a retried call names the same reservation.
        var reservationId = ReservationIds.New(centre.CentreId, command.IdempotencyKey);
        var change = await stock.ReserveAsync(command, part.PartNumber, request.Quantity, request.Reference, reservationId,
            ServiceLevel.FourHoursAnyTime, clock.GetUtcNow(), backorderIfShort: false);
        return await ReservationAsync(centre.CentreId, change.Movement.ReservationId);
    }

    public override async Task<ReservationProto> Release(ReleaseRequest request, ServerCallContext context)
    {
        var (centreId, reservationId) = ReservationIds.Parse(request.ReservationId);
        await RequireCentreAsync(centreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centreId);
        await stock.ReleaseAsync(Command(centreId, context), reservationId);
        return await ReservationAsync(centreId, reservationId);
    }

    public override async Task<ListMovementsResponse> ListMovements(ListMovementsRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        var part = string.IsNullOrEmpty(request.PartNumber) ? "" : StockFields.PartNumber(request.PartNumber);
        if (request.After < 0) throw new InvalidFieldException("after", "must not be negative");
        if (request.Before < 0) throw new InvalidFieldException("before", "must not be negative");
        if (request.NewestFirst && request.After > 0) throw new InvalidFieldException("after", "pages newest first with before, not after");
        if (!request.NewestFirst && request.Before > 0) throw new InvalidFieldException("before", "pages only newest first (set newest_first)");
        var kind = string.IsNullOrEmpty(request.Kind) ? ""
            : System.Enum.GetValues<MovementKind>().Select(k => k.WireName()).FirstOrDefault(k => k == request.Kind)
              ?? throw new InvalidFieldException("kind", $"'{request.Kind}' is not a movement kind; use one of {string.Join(", ", System.Enum.GetValues<MovementKind>().Select(k => k.WireName()))}");
        var page = await ledger.PageAsync(centre.CentreId, part, kind, request.NewestFirst, request.NewestFirst ? request.Before : request.After,
            PageSize(request.PageSize, 1000), context.CancellationToken);
        return new ListMovementsResponse { Movements = { page.Select(p => ToProto(p.Movement, p.Sequence)) } };
    }

    public override async Task<ReconcileResponse> Reconcile(ReconcileRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        await drain.DrainAsync(centre.CentreId, context.CancellationToken); // nothing in flight shows as a difference
        return ToProto(await reconciler.ReconcileAsync(centre.CentreId, context.CancellationToken));
    }

    public override async Task<ReconcileResponse> Rebuild(RebuildRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        await drain.DrainAsync(centre.CentreId, context.CancellationToken); // whatever Redis still holds belongs in the ledger first
        await rebuilder.RebuildAsync(centre.CentreId, context.CancellationToken);
        return ToProto(await reconciler.ReconcileAsync(centre.CentreId, context.CancellationToken));
    }

    /// <summary>Roles that read stock levels at every centre; warehouse staff and supervisors read their own centres'.</summary>
    private static readonly string[] StockReadersEverywhere = [Roles.Engineer, Roles.DeliveryManager];

    private StockCommand Command(string centreId, ServerCallContext context)
    {
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        if (key is not null && (key.Length == 0 || key.Length > Commands.MaxKeyLength))
            throw new InvalidFieldException(Commands.IdempotencyKeyHeader, $"must be 1 to {Commands.MaxKeyLength} characters");
        // Keys are the caller's own: two users' keys never collide. Without one, the call is simply not retry-safe.
        var caller = Caller.From(context.GetHttpContext().User).UserId;
        var scoped = key is null ? Guid.NewGuid().ToString("N") : IdempotencyKeys.Scoped(caller, key);
        return new StockCommand(centreId, scoped, Guid.CreateVersion7(), clock.GetUtcNow());
    }

    private async Task<CataloguePart> RequirePartAsync(string? partNumber, CancellationToken ct)
    {
        var number = StockFields.PartNumber(partNumber);
        return await catalogue.PartAsync(number, ct) ?? throw new NotFoundException($"part {number} is not in the catalogue");
    }

    private async Task<ReservationProto> ReservationAsync(string centreId, string reservationId)
    {
        var r = await stock.GetReservationAsync(centreId, reservationId) ?? throw new NotFoundException($"reservation {reservationId} does not exist");
        return new ReservationProto
        {
            ReservationId = ReservationIds.Format(centreId, r.ReservationId), CentreId = centreId, PartNumber = r.PartNumber,
            Quantity = r.Quantity, Reference = r.Reference, State = r.State.ToString().ToLowerInvariant(),
        };
    }

    private static int PageSize(int requested, int max) =>
        requested == 0 ? Math.Min(DefaultPageSize, max)
        : requested < 0 || requested > max ? throw new InvalidFieldException("page_size", $"must be between 1 and {max} (was {requested})")
        : requested;

    private static StockChangeProto ToProto(Data.Stock.StockChange change) => new() { Level = ToProto(change.Level), Movement = ToProto(change.Movement, 0) };

    private static StockLevelProto ToProto(Domain.Stock.StockLevel l) => new()
    {
        CentreId = l.CentreId, PartNumber = l.PartNumber, OnHand = l.OnHand, Reserved = l.Reserved, Available = l.Available,
        InTransit = l.InTransit, Faulty = l.Faulty, Quarantined = l.Quarantined,
    };

    private static MovementProto ToProto(Domain.Stock.Movement m, long sequence) => new()
    {
        MovementId = m.MovementId.ToString(), Sequence = sequence, CentreId = m.CentreId, PartNumber = m.PartNumber,
        Kind = m.Kind.WireName(), Bin = m.Bin, Serials = { m.Serials }, Quantity = m.Quantity,
        Deltas = new StockDeltasProto { OnHand = m.Deltas.OnHand, Reserved = m.Deltas.Reserved, InTransit = m.Deltas.InTransit, Faulty = m.Deltas.Faulty, Quarantined = m.Deltas.Quarantined },
        Reference = m.Reference, ReservationId = m.ReservationId == "" ? "" : ReservationIds.Format(m.CentreId, m.ReservationId),
        ReasonCode = m.ReasonCode, OccurredAt = Timestamp.FromDateTimeOffset(m.OccurredAt), Batch = m.Batch,
    };

    private static ReconcileResponse ToProto(StockReconciler.Result result) => new()
    {
        CentreId = result.CentreId,
        MovementsReplayed = result.MovementsReplayed,
        Differences = { result.Differences.Select(d => new StockDifferenceProto { PartNumber = d.PartNumber, Measure = d.Measure, InLedger = d.InLedger, InRedis = d.InRedis }) },
    };
}
