using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Counts;
using Logistics.Inventory.Domain.Dispositions;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Domain.Transfers;
using Npgsql;

namespace Logistics.Inventory.Events;

/// <summary>
/// The integration events inventory publishes, each through the outbox in the transaction of the change it reports.
/// Every outbox write of the service goes through here.
/// </summary>
public static class InventoryEvents
{
    public static Task PublishPartCataloguedAsync(NpgsqlTransaction tx, CataloguePart part, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartCatalogued, PartCatalogued(part), ct);

    public static Task PublishCentreDefinedAsync(NpgsqlTransaction tx, SparePartCentre centre, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.CentreDefined, CentreDefined(centre), ct);

    public static Task PublishDispositionChangedAsync(NpgsqlTransaction tx, Disposition d, DispositionState previous, string by, DateTimeOffset at, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.DispositionChanged, DispositionChanged(d, previous, by, at), ct);

    public static Task PublishTransferChangedAsync(NpgsqlTransaction tx, Transfer t, TransferState previous, string by, DateTimeOffset at, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.TransferChanged, TransferChanged(t, previous, by, at), ct);

    /// <summary>The steps a count took in <paramref name="session"/> (before it commits).</summary>
    public static Task PublishCountStepsAsync(CountStore.Session session, CancellationToken ct) =>
        PublishCountStepsAsync(session.Transaction, session.Count, session.Steps, ct);

    public static async Task PublishCountStepsAsync(NpgsqlTransaction tx, StockCount count, IEnumerable<CountStep> steps, CancellationToken ct)
    {
        foreach (var step in steps) await Outbox.EnqueueAsync(tx, EventTopics.StockCountChanged, CountChanged(count, step), ct);
    }

    /// <summary>
    /// A reservation moves no unit and matters only to whoever asked for it, so it goes to its own topic, and only when
    /// a part request asked for it (requests follows those); one made through the API has no subscriber and stays in the
    /// ledger. Every other movement goes to the subscribers that follow units and levels.
    /// </summary>
    public static Task PublishMovementAsync(NpgsqlTransaction tx, Movement movement, long sequence, CancellationToken ct)
    {
        if (ReservationState(movement.Kind) is not { } state)
            return Outbox.EnqueueAsync(tx, EventTopics.StockMovementRecorded, MovementRecorded(movement, sequence), ct);
        return ReservationIds.IsForRequest(movement.ReservationId)
            ? Outbox.EnqueueAsync(tx, EventTopics.StockReservationChanged, ReservationChanged(movement, state, sequence), ct)
            : Task.CompletedTask;
    }

    public static PartCatalogued PartCatalogued(CataloguePart part) => new()
    {
        PartNumber = part.PartNumber,
        Description = part.Description,
        Serialized = part.Serialized,
        Unit = part.Unit,
        Supplier = part.Supplier,
        Version = part.Version,
        OccurredAt = Timestamp.FromDateTimeOffset(part.UpdatedAt),
    };

    public static CentreDefined CentreDefined(SparePartCentre centre) => new()
    {
        CentreId = centre.CentreId,
        Name = centre.Name,
        Bins = { centre.Bins },
        Version = centre.Version,
        OccurredAt = Timestamp.FromDateTimeOffset(centre.UpdatedAt),
        TimeZone = centre.TimeZone,
        CalendarId = centre.CalendarId,
    };

    private static DispositionChanged DispositionChanged(Disposition d, DispositionState previous, string by, DateTimeOffset at) => new()
    {
        DispositionId = d.DispositionId, CentreId = d.CentreId, PartNumber = d.PartNumber, Serial = d.Serial,
        Kind = d.Kind.WireName(), State = d.State.ToString(), PreviousState = previous.ToString(), ProposedBy = d.ProposedBy,
        By = by, ChangedAt = Timestamp.FromDateTimeOffset(at),
    };

    private static TransferChanged TransferChanged(Transfer t, TransferState previous, string by, DateTimeOffset at) => new()
    {
        TransferId = t.TransferId, FromCentreId = t.FromCentreId, ToCentreId = t.ToCentreId, PartNumber = t.PartNumber, Quantity = t.Quantity,
        State = t.State.ToString(), PreviousState = previous.ToString(), By = by, ChangedAt = Timestamp.FromDateTimeOffset(at),
        ReceivedSerials = { t.ReceivedSerials }, MissingSerials = { t.MissingSerials }, UnexpectedSerials = { t.UnexpectedSerials },
        StillInTransit = t.StillInTransitQuantity,
    };

    private static StockCountChanged CountChanged(StockCount count, CountStep step) => new()
    {
        CountId = count.CountId, CentreId = count.CentreId, Step = step.Step, State = step.State.ToString(), By = step.By ?? "", Lines = step.Lines,
        OccurredAt = Timestamp.FromDateTimeOffset(step.At),
    };

    private static string? ReservationState(MovementKind kind) => kind switch
    {
        MovementKind.Reserved or MovementKind.Backordered or MovementKind.Released => kind.WireName(),
        _ => null,
    };

    private static StockReservationChanged ReservationChanged(Movement m, string state, long sequence) => new()
    {
        ReservationId = ReservationIds.Format(m.CentreId, m.ReservationId), // the id the reservations API answers to
        Sequence = sequence,
        CentreId = m.CentreId,
        PartNumber = m.PartNumber,
        State = state,
        Quantity = m.Quantity,
        Reference = m.Reference,
        OccurredAt = Timestamp.FromDateTimeOffset(m.OccurredAt),
    };

    private static StockMovementRecorded MovementRecorded(Movement m, long sequence) => new()
    {
        MovementId = m.MovementId.ToString(),
        Sequence = sequence,
        CentreId = m.CentreId,
        PartNumber = m.PartNumber,
        Kind = m.Kind.WireName(),
        Bin = m.Bin,
        Serials = { m.Serials },
        Quantity = m.Quantity,
        DeltaOnHand = (int)m.Deltas.OnHand,
        DeltaReserved = (int)m.Deltas.Reserved,
        DeltaInTransit = (int)m.Deltas.InTransit,
        DeltaFaulty = (int)m.Deltas.Faulty,
        DeltaQuarantined = (int)m.Deltas.Quarantined,
        Reference = m.Reference,
        ReservationId = m.ReservationId,
        ReasonCode = m.ReasonCode,
        Batch = m.Batch,
        Counterparty = m.Counterparty,
        Carrier = m.Carrier,
        TrackingNumber = m.TrackingNumber,
        OccurredAt = Timestamp.FromDateTimeOffset(m.OccurredAt),
    };
}
