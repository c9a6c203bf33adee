using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Events;

/// <summary>
/// Each centre's Redis movement stream is inventory's outbox: a drain copies it, in order, into the Postgres movement
/// ledger and, in the same transaction, into the service outbox (<see cref="InventoryEvents.PublishMovementAsync"/>,
/// which the outbox relay publishes). The drain cursor moves in that transaction too, so a crash at any point re-drains
/// entries the ledger then recognises by movement id. Two drains of one centre (two replicas, a command and the
/// <c>Jobs/MovementRelay</c>) are serialised by the cursor's lock.
/// </summary>
public sealed class MovementDrain(IConnectionMultiplexer redis, NpgsqlDataSource dataSource, CentresTable centres, CountStore counts, TimeProvider clock)
{
    public const int BatchSize = 500;

    /// <summary>
    /// Drains every centre whose stream holds an entry past the ledger's cursor: one query for the cursors and one
    /// pipelined read of each stream's last entry id, so an idle sweep over a thousand centres is a few milliseconds.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var ids = await centres.AllIdsAsync(ct);
        var cursors = await MovementLedger.CursorsAsync(dataSource, ct);
        var db = redis.GetDatabase();
        var lasts = ids.Select(id => db.StreamRangeAsync(new StockKeys(id).Movements, "-", "+", count: 1, messageOrder: Order.Descending)).ToList();
        await Task.WhenAll(lasts);
        var drained = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var last = lasts[i].Result;
            if (last.Length == 0 || !StreamIds.IsAfter(last[0].Id!, cursors.GetValueOrDefault(ids[i], "0-0"))) continue;
            drained += await DrainAsync(ids[i], ct);
        }
        return drained;
    }

    /// <summary>Drains everything the centre's stream holds now into the ledger; returns how many entries it read.</summary>
    public async Task<int> DrainAsync(string centreId, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var read = await DrainBatchAsync(centreId, ct);
            total += read;
            if (read < BatchSize) return total;
        }
    }

    private async Task<int> DrainBatchAsync(string centreId, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var cursor = await MovementLedger.LockCursorAsync(tx, centreId, ct);
        var entries = await db.StreamRangeAsync(new StockKeys(centreId).Movements, minId: "(" + cursor, count: BatchSize);
        if (entries.Length == 0) return 0;

        // One round trip per step for the whole batch, not per movement: a burst of reservations drains at Postgres'
        // pace, not at the pace of a thousand round trips.
        var parsed = entries
            .Select(e => (Document: (string)e["movement"]!, StreamId: (string)e.Id!)) // the field the stock scripts write (Data/Stock/README.md)
            .Select(e => (Movement: StockJson.ParseMovement(e.Document), e.Document, e.StreamId))
            .ToList();
        var sequences = await MovementLedger.AppendAllAsync(tx, parsed, ct);
        // Those drained before are skipped: the ledger, holders and outbox have them.
        var appended = parsed.Zip(sequences).Where(a => a.Second is not null).Select(a => (a.First.Movement, Sequence: a.Second!.Value)).ToList();
        await MovementLedger.ApplySerialMovesAsync(tx, appended.Select(a => a.Movement), ct);
        // No count can open while this drain holds the centre's ledger lock, so one look covers the whole batch.
        if (await CountStore.AnyCountingAsync(tx, centreId, ct))
            foreach (var (movement, _) in appended) await MarkCountedLinesStaleAsync(tx, movement, ct);
        foreach (var (movement, sequence) in appended) await InventoryEvents.PublishMovementAsync(tx, movement, sequence, ct);
        var last = (string)entries[^1].Id!;
        await MovementLedger.SaveCursorAsync(tx, centreId, last, ct);
        await CommitSignal.CommitAsync(tx, ct);
        // Safe now that the ledger holds them; keeps the stream from growing without bound.
        await db.StreamTrimByMinIdAsync(new StockKeys(centreId).Movements, last);
        return entries.Length;
    }

    /// <summary>
    /// A movement during a count makes the lines it touched stale (a count never compares with a number that moved).
    /// The count's own approval posts after it completed, so it marks nothing.
    /// </summary>
    private async Task MarkCountedLinesStaleAsync(NpgsqlTransaction tx, Movement m, CancellationToken ct)
    {
        var bins = m.Tracking == PartTracking.Serial
            ? m.SerialMoves.Select(s => s.Bin).Append(m.Bin).Where(b => b != "").Distinct().ToList()
            : [];
        foreach (var (count, step) in await counts.MarkStaleAsync(tx, m.CentreId, m.PartNumber, bins, clock.GetUtcNow(), ct))
            await InventoryEvents.PublishCountStepsAsync(tx, count, [step], ct);
    }
}
