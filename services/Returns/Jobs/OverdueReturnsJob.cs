using Logistics.Hosting.Data;
using Logistics.Hosting.Jobs;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.Returns.Events;
using Npgsql;

namespace Logistics.Returns.Jobs;

/// <summary>
/// Every <see cref="ReturnsSettings.OverdueScanInterval"/>, raises the deadline flags of returns not yet received
/// (<see cref="FaultyReturn.MarkDeadlinesPassed"/>: overdue, escalated once, unreturned), one transaction per return, and
/// publishes each raised flag as a ReturnChanged step. A return is locked FOR UPDATE SKIP LOCKED and re-read under the
/// lock, so two replicas (or a scan and a command) never raise the same flag twice: the second finds it raised already,
/// or skips the return until the next scan. "Now" is the injected <see cref="TimeProvider"/>'s.
/// </summary>
public sealed class OverdueReturnsJob(
    NpgsqlDataSource dataSource, ReturnStore store, ReturnsSettings settings, TimeProvider clock, ILogger<OverdueReturnsJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => settings.OverdueScanInterval;

    protected override string Name => "Overdue scan";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var changed = await RunOnceAsync(ct);
        if (changed > 0) logger.LogInformation("Raised deadline flags on {Count} returns", changed);
    }

    /// <summary>One scan at the clock's now. Returns how many returns took a flag.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        var changed = 0;
        foreach (var returnId in await store.PastDeadlineAsync(now, settings.OverdueScanBatchSize, ct))
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var r = await store.TryLockAsync(tx, returnId, ct);
            if (r is null) continue; // another replica or a command holds it: the next scan looks again
            var steps = r.MarkDeadlinesPassed(now);
            if (steps.Count == 0) continue;
            await ReturnChanges.SaveAsync(store, tx, r, ct);
            await CommitSignal.CommitAsync(tx, ct);
            logger.LogInformation("Return {ReturnId} of engineer {EngineerId} (due {DueAt:u}): {Steps}", r.ReturnId, r.EngineerId, r.DueAt, string.Join(", ", steps));
            changed++;
        }
        return changed;
    }
}
