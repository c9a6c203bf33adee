using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Hosting.Data;
using Logistics.Hosting.Jobs;
using Npgsql;

namespace Logistics.Custody.Jobs;

/// <summary>
/// Flags swaps whose faulty part's return was not opened within <see cref="CustodySettings.ReturnOpenGrace"/>
/// (swap-without-return), every <see cref="CustodySettings.ReturnCheckInterval"/>. Replicas share the work
/// (SKIP LOCKED); each swap is flagged once.
/// </summary>
public sealed class SwapReturnWatch(NpgsqlDataSource dataSource, CustodySettings settings, TimeProvider clock, ILogger<SwapReturnWatch> logger)
    : PeriodicJob(clock, logger)
{
    public const int BatchSize = 500;

    protected override TimeSpan Interval => settings.ReturnCheckInterval;

    protected override string Name => "Swap return check";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var flagged = await RunOnceAsync(ct);
        if (flagged > 0) logger.LogInformation("Flagged {Count} swaps without a return", flagged);
    }

    /// <summary>Flags every swap due now; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var now = Clock.GetUtcNow();
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var waiting = await CustodyLinks.TakeWaitingAsync(tx, now - settings.ReturnOpenGrace, BatchSize, ct);
            foreach (var swap in waiting.Where(s => SwapReturns.IsMissing(s, null, now, settings.ReturnOpenGrace)))
            {
                await CustodyEvents.AnomalyDetectedAsync(tx, SwapReturns.Anomaly(swap, settings.ReturnOpenGrace), now, ct);
                await CustodyLinks.MarkFlaggedAsync(tx, swap, now, ct);
            }
            await CommitSignal.CommitAsync(tx, ct);
            total += waiting.Count;
            if (waiting.Count < BatchSize) return total;
        }
    }
}
