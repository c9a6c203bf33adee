using Logistics.Events.V1;

namespace Logistics.Inventory.Domain.Stock;

/// <summary>What happened to the stock. The wire names (<see cref="MovementKinds"/>) are what the stream and the ledger hold.</summary>
public enum MovementKind
{
    GoodsIn,
    Reserved,
    Backordered,
    Released,
    Shipped,
    Received,
    FaultyIn,
    Quarantined,
    ToStock,
    Scrapped,
    Adjusted,
    SentToRepair,
    RepairedIn,
    RepairedToStock,
    RepairFailed,
    ReturnedToSupplier,
    WrittenOff,
    TransferShipped,
    TransferDelivered,
    TransferReceived,
    LostInTransit,
}

public static class MovementKinds
{
    private static readonly Dictionary<MovementKind, string> Names = new()
    {
        [MovementKind.GoodsIn] = StockMovementKinds.GoodsIn,
        [MovementKind.Reserved] = ReservationOutcomes.Reserved,
        [MovementKind.Backordered] = ReservationOutcomes.Backordered,
        [MovementKind.Released] = ReservationOutcomes.Released,
        [MovementKind.Shipped] = StockMovementKinds.Shipped,
        [MovementKind.Received] = StockMovementKinds.Received,
        [MovementKind.FaultyIn] = StockMovementKinds.FaultyIn,
        [MovementKind.Quarantined] = StockMovementKinds.Quarantined,
        [MovementKind.ToStock] = StockMovementKinds.ToStock,
        [MovementKind.Scrapped] = StockMovementKinds.Scrapped,
        [MovementKind.Adjusted] = StockMovementKinds.Adjusted,
        [MovementKind.SentToRepair] = StockMovementKinds.SentToRepair,
        [MovementKind.RepairedIn] = StockMovementKinds.RepairedIn,
        [MovementKind.RepairedToStock] = StockMovementKinds.RepairedToStock,
        [MovementKind.RepairFailed] = StockMovementKinds.RepairFailed,
        [MovementKind.ReturnedToSupplier] = StockMovementKinds.ReturnedToSupplier,
        [MovementKind.WrittenOff] = StockMovementKinds.WrittenOff,
        [MovementKind.TransferShipped] = StockMovementKinds.TransferShipped,
        [MovementKind.TransferDelivered] = StockMovementKinds.TransferDelivered,
        [MovementKind.TransferReceived] = StockMovementKinds.TransferReceived,
        [MovementKind.LostInTransit] = StockMovementKinds.LostInTransit,
    };

    public static string WireName(this MovementKind kind) => Names[kind];

    public static MovementKind Parse(string name) =>
        Names.FirstOrDefault(pair => pair.Value == name) is { Value: not null } found
            ? found.Key
            : throw new FormatException($"'{name}' is not a movement kind");
}

/// <summary>How a part is tracked at a centre; unknown until stock of it first arrives there.</summary>
public enum PartTracking
{
    Unknown,
    Serial,
    Quantity,
}

/// <summary>Where a serial is at a centre. <see cref="None"/> is outside the centre's books (before goods-in, after delivery or scrapping).</summary>
public enum SerialPlace
{
    None,
    OnHand,
    InTransit,
    Faulty,
    Quarantined,
}

/// <summary>One serial changing place; <paramref name="Bin"/> is the on-hand bin it entered or left ("" when neither place is on hand).</summary>
public sealed record SerialMove(string Serial, SerialPlace From, SerialPlace To, string Bin);

/// <summary>
/// One change of one part's stock at one centre: the deltas are the exact change to the level and the serial
/// moves the exact change to the serial sets, so replaying a centre's movements from zero rebuilds its stock.
/// </summary>
public sealed record Movement(
    Guid MovementId,
    string CentreId,
    string PartNumber,
    MovementKind Kind,
    PartTracking Tracking,
    string Bin,
    IReadOnlyList<string> Serials,
    int Quantity,
    StockDeltas Deltas,
    IReadOnlyList<SerialMove> SerialMoves,
    string Reference,
    string ReservationId,
    string ReasonCode,
    DateTimeOffset OccurredAt)
{
    /// <summary>Goods-in only: the supplier's batch (lot) of what arrived; "" when unknown.</summary>
    public string Batch { get; init; } = "";

    /// <summary>Dispositions only: who holds the unit outside the centre (<c>repairer:X</c>, <c>supplier:Y</c>); "" otherwise.</summary>
    public string Counterparty { get; init; } = "";

    /// <summary>Dispositions shipped to a repairer or supplier: the carrier and its tracking number; "" otherwise.</summary>
    public string Carrier { get; init; } = "";
    public string TrackingNumber { get; init; } = "";
}
