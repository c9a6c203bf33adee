using System.Collections.Concurrent;
using System.Threading.Channels;
using Logistics.Inventory.Events;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Jobs;

/// <summary>
/// Keeps each centre's Redis movement stream drained into the ledger and the outbox (<see cref="MovementDrain"/>).
/// It waits for work: every stock script publishes its centre on <see cref="Channel"/>, and only that centre is
/// drained (an idle stack costs nothing per centre). Pub/sub can lose a message (a reconnect, a relay that was
/// starting), so a sweep compares each stream's last entry with the ledger's cursor at start, after Redis comes back,
/// and every <see cref="SweepEvery"/>; two replicas may both wake for a centre, and the cursor's lock serialises them.
/// </summary>
public sealed class MovementRelay(IConnectionMultiplexer redis, MovementDrain drain, ILogger<MovementRelay> logger, TimeSpan? sweepEvery = null)
    : BackgroundService
{
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
                    if (next == SweepAll) await drain.SweepAsync(ct);
                    else await drain.DrainAsync(next, ct);
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
}
