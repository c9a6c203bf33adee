using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Events;

/// <summary>
/// Each centre's Redis movement stream is inventory's outbox: this relay drains it, in order, into the
/// Postgres movement ledger and, in the same transaction, into the service outbox as
/// StockMovementRecorded events (which the outbox relay publishes). The drain cursor moves in that
/// transaction too, so a crash at any point re-drains entries the ledger then recognises by movement id.
/// </summary>
public sealed class MovementRelay(
    IConnectionMultiplexer redis, NpgsqlDataSource dataSource, CentresTable centres, CountStore counts, ILogger<MovementRelay> logger) : BackgroundService
{
    public const int BatchSize = 500;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var drained = 0;
                foreach (var centreId in await centres.AllIdsAsync(ct)) drained += await DrainAsync(centreId, ct);
                backoff = TimeSpan.Zero;
                if (drained == 0) await Task.Delay(Idle, ct);
            }
            catch (Exception e) when (e is RedisException or NpgsqlException or TimeoutException)
            {
                backoff = TimeSpan.FromMilliseconds(Math.Min(Math.Max(backoff.TotalMilliseconds * 2, 200), 5000));
                logger.LogWarning("Movement relay paused ({Error}); retrying in {Delay}", e.Message, backoff);
                await Task.Delay(backoff, ct);
            }
        }
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

        foreach (var entry in entries)
        {
            var document = (string)entry["movement"]!; // the field the stock scripts write (Data/Stock/README.md)
            var movement = StockJson.ParseMovement(document);
            var sequence = await MovementLedger.AppendAsync(tx, movement, document, entry.Id!, ct);
            if (sequence is null) continue; // drained before: the ledger, holders and outbox have it
            await MovementLedger.ApplySerialMovesAsync(tx, movement, ct);
            await MarkCountedLinesStaleAsync(tx, movement, ct);
            await Outbox.EnqueueAsync(tx, EventTopics.StockMovementRecorded, ToEvent(movement, sequence.Value), ct);
        }
        var last = (string)entries[^1].Id!;
        await MovementLedger.SaveCursorAsync(tx, centreId, last, ct);
        await tx.CommitAsync(ct);
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
        await counts.MarkStaleAsync(tx, m.CentreId, m.PartNumber, bins, ct);
    }

    private static StockMovementRecorded ToEvent(Movement m, long sequence) => new()
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
        OccurredAt = Timestamp.FromDateTimeOffset(m.OccurredAt),
    };
}
