namespace Logistics.Inventory.Domain.Stock;

/// <summary>One way in which a centre's stock in Redis differs from the replay of its ledger.</summary>
public sealed record StockDifference(string PartNumber, string Measure, string InLedger, string InRedis);

/// <summary>Compares the ledger's picture of a part with what Redis holds, measure by measure and serial by serial.</summary>
public static class StockComparison
{
    public static IEnumerable<StockDifference> Compare(StockLevel ledger, IReadOnlyList<HeldSerial> ledgerSerials, StockLevel redis, IReadOnlyList<HeldSerial> redisSerials)
    {
        var part = ledger.PartNumber;
        foreach (var (measure, inLedger, inRedis) in new[]
                 {
                     ("on_hand", ledger.OnHand, redis.OnHand), ("reserved", ledger.Reserved, redis.Reserved),
                     ("in_transit", ledger.InTransit, redis.InTransit), ("faulty", ledger.Faulty, redis.Faulty),
                     ("quarantined", ledger.Quarantined, redis.Quarantined),
                 })
        {
            if (inLedger != inRedis) yield return new StockDifference(part, measure, inLedger.ToString(), inRedis.ToString());
        }

        var byLedger = ledgerSerials.ToDictionary(s => s.Serial, Describe, StringComparer.Ordinal);
        var byRedis = redisSerials.ToDictionary(s => s.Serial, Describe, StringComparer.Ordinal);
        foreach (var serial in byLedger.Keys.Union(byRedis.Keys).Order(StringComparer.Ordinal))
        {
            var inLedger = byLedger.GetValueOrDefault(serial, "absent");
            var inRedis = byRedis.GetValueOrDefault(serial, "absent");
            if (inLedger != inRedis) yield return new StockDifference(part, $"serial {serial}", inLedger, inRedis);
        }
    }

    private static string Describe(HeldSerial s) => s.Place switch
    {
        SerialPlace.OnHand => $"on hand in {s.Bin}",
        SerialPlace.InTransit => $"in transit for {s.ReservationId}",
        _ => s.Place.ToString().ToLowerInvariant(),
    };
}
