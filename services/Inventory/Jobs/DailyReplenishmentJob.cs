using Logistics.Hosting.Jobs;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain.Replenishment;
using Logistics.SharedKernel.Time;

namespace Logistics.Inventory.Jobs;

/// <summary>How the daily proposal runs (configuration section <c>Replenishment</c>).</summary>
public sealed class ReplenishmentSettings
{
    /// <summary>The centre's local time from which its daily proposal is made.</summary>
    public TimeOnly DailyAt { get; set; } = new(6, 0);

    /// <summary>How often the job looks whether a centre's proposal is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Every <see cref="ReplenishmentSettings.CheckInterval"/>, makes the daily proposal of every centre that has min/max
/// rows and whose local day has reached <see cref="ReplenishmentSettings.DailyAt"/>, unless a proposal was made since
/// (on demand). The proposal id is the centre and the local day, so a later round, a restart or another replica finds it
/// made and makes none. "Now" is the injected clock's.
/// </summary>
public sealed class DailyReplenishmentJob(
    ReplenishmentStore store, Replenisher replenisher, CatalogueCache catalogue, ReplenishmentSettings settings,
    TimeProvider clock, ILogger<DailyReplenishmentJob> logger)
    : PeriodicJob(clock, logger)
{
    public const string SystemUser = "system";

    protected override TimeSpan Interval => settings.CheckInterval;

    protected override string Name => "Daily replenishment";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        foreach (var centreId in await store.CentresWithLimitsAsync(ct))
        {
            var centre = await catalogue.CentreAsync(centreId, ct);
            if (centre is null) continue;
            var now = Clock.GetUtcNow();
            var zone = TimeZones.Find(centre.TimeZone);
            if (DailyProposals.DueDay(now, zone, settings.DailyAt) is not { } day) continue;
            // A proposal made since it fell due (today's, or one the warehouse asked for) is the day's: an open one the
            // warehouse may be accepting right now is not superseded under it.
            var latest = (await store.ProposalsAsync(centreId, 1, ct)).FirstOrDefault();
            if (latest is not null && latest.CreatedAt >= DailyProposals.DueSince(day, zone, settings.DailyAt)) continue;
            var id = DailyProposals.Id(centreId, day);
            var proposal = await replenisher.ProposeAsync(centreId, id, Proposal.Daily, SystemUser, now, ct);
            if (proposal.CreatedAt == now) logger.LogInformation("Proposal {ProposalId} of centre {CentreId}: {Lines} lines", id, centreId, proposal.Lines.Count);
        }
    }
}
