using Logistics.Hosting.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// Keeps the outbox, inbox and idempotency keys from growing without bound: deletes published outbox rows, handled inbox rows and command keys
/// older than their retention, in small batches so it never holds long locks.
/// </summary>
public sealed class MessagingCleanup(NpgsqlDataSource dataSource, MessagingOptions options, TimeProvider clock, ILogger<MessagingCleanup> logger)
    : PeriodicJob(clock, logger)
{
    private const int BatchSize = 5000;

    protected override TimeSpan Interval => options.CleanupInterval;

    protected override string Name => "Messaging cleanup";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var (outbox, inbox, keys) = await RunOnceAsync(ct);
        if (outbox + inbox + keys > 0)
            logger.LogInformation("Deleted {Outbox} published outbox rows, {Inbox} inbox rows and {Keys} idempotency keys past retention", outbox, inbox, keys);
    }

    public async Task<(long Outbox, long Inbox, long IdempotencyKeys)> RunOnceAsync(CancellationToken ct)
    {
        // The rows carry the database's time (now() when written), so age is measured by the same clock, never by the
        // service's (which a test or a rehearsal may have moved forward).
        var outbox = await DeleteAsync(
            "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at < now() - $1 LIMIT $2)", options.OutboxRetention, ct);
        var inbox = await DeleteAsync(
            "DELETE FROM inbox WHERE (event_id, subscription) IN (SELECT event_id, subscription FROM inbox WHERE handled_at < now() - $1 LIMIT $2)", options.InboxRetention, ct);
        var keys = await DeleteAsync(
            "DELETE FROM idempotency_keys WHERE (caller, key) IN (SELECT caller, key FROM idempotency_keys WHERE created_at < now() - $1 LIMIT $2)", options.IdempotencyKeyRetention, ct);
        return (outbox, inbox, keys);
    }

    private async Task<long> DeleteAsync(string sql, TimeSpan olderThan, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.Add(new() { Value = olderThan });
            cmd.Parameters.Add(new() { Value = BatchSize });
            var deleted = await cmd.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < BatchSize) return total;
        }
    }
}
