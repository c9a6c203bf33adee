namespace Logistics.Inventory.Domain.Stock;

/// <summary>The exact change a movement makes to a level, field by field (signed).</summary>
public sealed record StockDeltas(long OnHand, long Reserved, long InTransit, long Faulty, long Quarantined)
{
    public static readonly StockDeltas None = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Stock of one part at one centre. Reserved units are still on hand, in their bins, until they are shipped,
/// so available = on hand − reserved.
/// </summary>
public sealed record StockLevel(string CentreId, string PartNumber, long OnHand, long Reserved, long InTransit, long Faulty, long Quarantined)
{
    public long Available => OnHand - Reserved;

    public static StockLevel Empty(string centreId, string partNumber) => new(centreId, partNumber, 0, 0, 0, 0, 0);

    public StockLevel Apply(StockDeltas deltas) => this with
    {
        OnHand = OnHand + deltas.OnHand,
        Reserved = Reserved + deltas.Reserved,
        InTransit = InTransit + deltas.InTransit,
        Faulty = Faulty + deltas.Faulty,
        Quarantined = Quarantined + deltas.Quarantined,
    };

    /// <summary>Invariant 1: nothing negative, nothing reserved beyond what is on hand.</summary>
    public bool IsSound => OnHand >= 0 && Reserved >= 0 && InTransit >= 0 && Faulty >= 0 && Quarantined >= 0 && Reserved <= OnHand;
}
