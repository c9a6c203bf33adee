using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Events;

/// <summary>
/// Each centre's Redis movement stream is inventory's outbox: this relay drains it, in order, into the
/// Postgres movement ledger and, in the same transaction, into the service outbox as
/// StockMovementRecorded events, or StockReservationChanged for reservations (which the outbox relay publishes). The drain cursor moves in that
/// transaction too, so a crash at any point re-drains entries the ledger then recognises by movement id.
/// It waits for work: every stock script publishes its centre on <see cref="Channel"/>, and only that centre is
/// drained (an idle stack costs nothing per centre). Pub/sub can lose a message (a reconnect, a relay that was
/// starting), so a sweep compares each stream's last entry with the ledger's cursor at start, after Redis comes back,
/// and every <see cref="SweepEvery"/>; two replicas may both wake for a centre, and the cursor's lock serialises them.
/// </summary>
public sealed class MovementRelay(
    IConnectionMultiplexer redis, NpgsqlDataSource dataSource, CentresTable centres, CountStore counts, ILogger<MovementRelay> logger,
    TimeSpan? sweepEvery = null) : BackgroundService
{
    public const int BatchSize = 500;
    public static readonly RedisChannel Channel = RedisChannel.Literal("inv:movements");
    private const string SweepAll = "";
    public TimeSpan SweepEvery { get; } = sweepEvery ?? TimeSpan.FromSeconds(10);
    private readonly Channel<string> _ready = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });
    // A burst of movements at one centre queues it once; removed just before its drain, so a movement during the drain queues it again.
    private readonly ConcurrentDictionary<string, byte> _queued = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the relay hears the scripts' messages (a movement made after this wakes it).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(Channel, (_, centreId) => Wake(centreId!));
        redis.ConnectionRestored += OnConnectionRestored;
        _listening.TrySetResult();
        try
        {
            Wake(SweepAll);
            var backoff = TimeSpan.Zero;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var next = await NextAsync(ct);
                    if (next == SweepAll) await SweepAsync(ct);
                    else await DrainAsync(next, ct);
                    backoff = TimeSpan.Zero;
                }
                catch (Exception e) when (e is RedisException or NpgsqlException or TimeoutException)
                {
                    backoff = TimeSpan.FromMilliseconds(Math.Min(Math.Max(backoff.TotalMilliseconds * 2, 200), 5000));
                    logger.LogWarning("Movement relay paused ({Error}); retrying in {Delay}", e.Message, backoff);
                    Wake(SweepAll); // what failed is drained by the sweep once Redis and Postgres answer again
                    await Task.Delay(backoff, ct);
                }
            }
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
            await subscriber.UnsubscribeAsync(Channel);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => Wake(SweepAll);

    private void Wake(string centreId)
    {
        if (_queued.TryAdd(centreId, 0)) _ready.Writer.TryWrite(centreId);
    }

    /// <summary>The next centre to drain, or a sweep when nothing woke the relay for <see cref="SweepEvery"/>.</summary>
    private async Task<string> NextAsync(CancellationToken ct)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(SweepEvery);
        try
        {
            var next = await _ready.Reader.ReadAsync(quiet.Token);
            _queued.TryRemove(next, out _);
            return next;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return SweepAll; }
    }

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

        foreach (var entry in entries)
        {
            var document = (string)entry["movement"]!; // the field the stock scripts write (Data/Stock/README.md)
            var movement = StockJson.ParseMovement(document);
            var sequence = await MovementLedger.AppendAsync(tx, movement, document, entry.Id!, ct);
            if (sequence is null) continue; // drained before: the ledger, holders and outbox have it
            await MovementLedger.ApplySerialMovesAsync(tx, movement, ct);
            await MarkCountedLinesStaleAsync(tx, movement, ct);
            await PublishAsync(tx, movement, sequence.Value, ct);
        }
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
        await counts.MarkStaleAsync(tx, m.CentreId, m.PartNumber, bins, ct);
    }

    /// <summary>
    /// A reservation moves no unit and matters only to whoever asked for it, so it goes to its own topic, and only when
    /// a part request asked for it (requests follows those); one made through the API has no subscriber and stays in the
    /// ledger. Every other movement goes to the subscribers that follow units and levels.
    /// </summary>
    private static Task PublishAsync(NpgsqlTransaction tx, Movement movement, long sequence, CancellationToken ct)
    {
        if (ReservationState(movement.Kind) is not { } state)
            return Outbox.EnqueueAsync(tx, EventTopics.StockMovementRecorded, ToEvent(movement, sequence), ct);
        return ReservationIds.IsForRequest(movement.ReservationId)
            ? Outbox.EnqueueAsync(tx, EventTopics.StockReservationChanged, ToReservationEvent(movement, state, sequence), ct)
            : Task.CompletedTask;
    }

    private static string? ReservationState(MovementKind kind) => kind switch
    {
        MovementKind.Reserved or MovementKind.Backordered or MovementKind.Released => kind.WireName(),
        _ => null,
    };

    private static StockReservationChanged ToReservationEvent(Movement m, string state, long sequence) => new()
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
        Counterparty = m.Counterparty,
        Carrier = m.Carrier,
        TrackingNumber = m.TrackingNumber,
        OccurredAt = Timestamp.FromDateTimeOffset(m.OccurredAt),
    };
}
