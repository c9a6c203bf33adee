using System.Diagnostics;
using System.Text.Json;
using Dapr.Client;
using Logistics.Hosting.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// Publishes outbox rows through the Dapr sidecar, a batch of the oldest at a time (its rows side by side, at most
/// <see cref="MessagingOptions.OutboxPublishConcurrency"/> at once), and marks the published ones. Rows survive any crash: a row published but not yet marked is published again after a restart
/// with the same CloudEvent id, and subscribers' inboxes drop the duplicate. Woken in process when a transaction
/// that wrote rows commits (<see cref="CommitSignal.CommitAsync"/>); polls for rows written elsewhere (another replica, a
/// job); backs off while the sidecar or broker is unreachable.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource, DaprClient dapr, MessagingOptions options, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    public static readonly ActivitySource Activities = new("Logistics.Messaging");

    private readonly SemaphoreSlim _wake = new(0);
    // 1 while a wake is pending: a burst of commits releases the semaphore once, not once per commit.
    private int _woken;

    private void Wake()
    {
        if (Interlocked.Exchange(ref _woken, 1) == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        CommitSignal.Subscribe(Wake);
        try
        {
            await RelayAsync(ct);
        }
        finally
        {
            CommitSignal.Unsubscribe(Wake);
        }
    }

    private async Task RelayAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Cleared before the read: a commit from here on wakes the next round.
                Volatile.Write(ref _woken, 0);
                var (published, failed) = await PublishBatchAsync(ct);
                backoff = failed ? Next(backoff) : TimeSpan.Zero;
                if (failed) { await Task.Delay(backoff, ct); continue; }
                if (published == options.OutboxBatchSize) continue; // more may be waiting
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                backoff = Next(backoff);
                logger.LogWarning("Outbox relay cannot reach Postgres ({Error}); retrying in {Delay}", e.Message, backoff);
                await Task.Delay(backoff, ct);
                continue;
            }
            await _wake.WaitAsync(options.OutboxPollInterval, ct);
        }
    }

    private TimeSpan Next(TimeSpan backoff) =>
        TimeSpan.FromMilliseconds(Math.Min(Math.Max(backoff.TotalMilliseconds * 2, 100), options.OutboxMaxBackoff.TotalMilliseconds));

    private async Task<(int Published, bool Failed)> PublishBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = new List<(Guid Id, string Topic, string Type, string Payload, string? TraceParent)>();
        // SKIP LOCKED: a second replica's relay takes the next rows instead of waiting.
        await using (var select = new NpgsqlCommand(
            "SELECT id, topic, event_type, payload::text, traceparent FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
            conn, tx) { Parameters = { new() { Value = options.OutboxBatchSize } } })
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        if (rows.Count == 0) return (0, false);

        // Side by side: no subscriber depends on the order of events (docs/messaging.md). After a failure no further row
        // is started (the sidecar or broker is likely down); whatever was not published stays for the next round.
        var done = new bool[rows.Count];
        string? firstError = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.OutboxPublishConcurrency), CancellationToken = ct },
            async (i, token) =>
            {
                if (Volatile.Read(ref firstError) is not null) return;
                var row = rows[i];
                try
                {
                    await PublishAsync(row.Id, row.Topic, row.Type, row.Payload, row.TraceParent, token);
                    done[i] = true;
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref firstError, $"event {row.Id} to {row.Topic}: {e.Message}", null);
                }
            });
        var published = rows.Where((_, i) => done[i]).Select(r => r.Id).ToList();
        var failed = published.Count < rows.Count;
        if (failed)
            logger.LogWarning("Publishing failed ({Error}); {Left} of {Count} outbox events stay in the outbox", firstError, rows.Count - published.Count, rows.Count);
        if (published.Count > 0)
        {
            await using var mark = new NpgsqlCommand("UPDATE outbox SET published_at = now() WHERE id = ANY($1)", conn, tx) { Parameters = { new() { Value = published.ToArray() } } };
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (published.Count, failed);
    }

    private async Task PublishAsync(Guid id, string topic, string type, string payload, string? traceParent, CancellationToken ct)
    {
        // Continue the trace of the command that wrote the row, so a trace spans publisher and subscribers.
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = Activities.StartActivity($"{topic} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "dapr");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", id.ToString());

        var metadata = new Dictionary<string, string>
        {
            // The CloudEvent id is the outbox id, so a republished event is recognisably the same event.
            ["cloudevent.id"] = id.ToString(),
            ["cloudevent.type"] = type,
        };
        var traceContext = activity?.Id ?? traceParent;
        if (traceContext is not null) metadata["cloudevent.traceparent"] = traceContext;

        using var data = JsonDocument.Parse(payload);
        await dapr.PublishEventAsync(options.PubsubName, topic, data.RootElement, metadata, ct);
        logger.LogDebug("Published {EventType} {EventId} to {Topic}", type, id, topic);
    }
}
