using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// Keeps the outbox and inbox from growing without bound: deletes published outbox rows and handled inbox rows
/// older than their retention, in small batches so it never holds long locks.
/// </summary>
public sealed class MessagingCleanup(NpgsqlDataSource dataSource, MessagingOptions options, TimeProvider clock, ILogger<MessagingCleanup> logger)
    : BackgroundService
{
    private const int BatchSize = 5000;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (outbox, inbox) = await RunOnceAsync(ct);
                if (outbox + inbox > 0) logger.LogInformation("Deleted {Outbox} published outbox rows and {Inbox} inbox rows past retention", outbox, inbox);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Messaging cleanup skipped this round: {Error}", e.Message);
            }
            await Task.Delay(options.CleanupInterval, clock, ct);
        }
    }

    public async Task<(long Outbox, long Inbox)> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var outbox = await DeleteAsync(
            "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at < $1 LIMIT $2)", now - options.OutboxRetention, ct);
        var inbox = await DeleteAsync(
            "DELETE FROM inbox WHERE (event_id, subscription) IN (SELECT event_id, subscription FROM inbox WHERE handled_at < $1 LIMIT $2)", now - options.InboxRetention, ct);
        return (outbox, inbox);
    }

    private async Task<long> DeleteAsync(string sql, DateTimeOffset before, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.Add(new() { Value = before });
            cmd.Parameters.Add(new() { Value = BatchSize });
            var deleted = await cmd.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < BatchSize) return total;
        }
    }
}
