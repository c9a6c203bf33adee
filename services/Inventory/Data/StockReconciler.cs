using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Data;

/// <summary>
/// Proves Redis and the ledger tell the same story: replays the ledger from zero and compares every part's level and
/// serials with Redis. The caller drains the centre's stream into the ledger first, so nothing in flight shows as a
/// difference.
/// </summary>
public sealed class StockReconciler(MovementLedger ledger, StockStore stock)
{
    public sealed record Result(string CentreId, IReadOnlyList<StockDifference> Differences, long MovementsReplayed, StockReplay Replay);

    public async Task<Result> ReconcileAsync(string centreId, CancellationToken ct)
    {
        var replay = new StockReplay(centreId);
        long replayed = 0;
        await foreach (var movement in ledger.ReadAllAsync(centreId, ct))
            if (replay.Apply(movement)) replayed++;

        var parts = new SortedSet<string>(replay.Parts, StringComparer.Ordinal);
        var cursor = "";
        do
        {
            var page = await stock.ListLevelsAsync(centreId, cursor, StockStore.MaxPageSize);
            parts.UnionWith(page.Levels.Select(l => l.PartNumber));
            cursor = page.NextCursor;
        } while (cursor != "");

        var differences = new List<StockDifference>();
        foreach (var part in parts)
        {
            var inRedis = await stock.GetLevelAsync(centreId, part);
            var redisSerials = await stock.ListSerialsAsync(centreId, part);
            differences.AddRange(StockComparison.Compare(replay.Level(part), replay.Serials(part), inRedis, redisSerials));
        }
        return new Result(centreId, differences, replayed, replay);
    }
}
