using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Jobs;

/// <summary>
/// A background job that runs one round at start and then every <see cref="Interval"/> (on the injected clock's timers).
/// A round that Postgres could not serve is logged and skipped; the next round tries again. A round that fails for any
/// other reason (one record the job cannot read) is logged as an error and skipped too: a background job's failure
/// must not stop the host, and with it every API call the service answers.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The clock the job's rounds read "now" from and wait on.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>How long to wait between rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is, for the log ("Messaging cleanup").</summary>
    protected abstract string Name { get; }

    /// <summary>One round; it logs what it did.</summary>
    protected abstract Task RunRoundAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("{Job} skipped this round: {Error}", Name, e.Message);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "{Job} failed this round; the next round tries again", Name);
            }
            await Task.Delay(Interval, clock, ct);
        }
    }
}
