using Logistics.Hosting.Jobs;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain.Replenishment;
using Logistics.SharedKernel.Time;

namespace Logistics.Inventory.Jobs;

/// <summary>
/// Every <see cref="InventorySettings.ReplenishmentCheckInterval"/>, makes the daily proposal of every centre that has min/max
/// rows and whose local day has reached <see cref="InventorySettings.ReplenishmentDailyAt"/>, unless a proposal was made since
/// (on demand). The proposal id is the centre and the local day, so a later round, a restart or another replica finds it
/// made and makes none. "Now" is the injected clock's.
/// </summary>
public sealed class DailyReplenishmentJob(
    ReplenishmentStore store, Replenisher replenisher, CatalogueCache catalogue, InventorySettings settings,
    TimeProvider clock, ILogger<DailyReplenishmentJob> logger)
    : PeriodicJob(clock, logger)
{
    public const string SystemUser = "system";

    protected override TimeSpan Interval => settings.ReplenishmentCheckInterval;

    protected override string Name => "Daily replenishment";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        foreach (var centreId in await store.CentresWithLimitsAsync(ct))
        {
            var centre = await catalogue.CentreAsync(centreId, ct);
            if (centre is null) continue;
            var now = Clock.GetUtcNow();
            var zone = TimeZones.Find(centre.TimeZone);
            if (DailyProposals.DueDay(now, zone, settings.ReplenishmentDailyAt) is not { } day) continue;
            // A proposal made since it fell due (today's, or one the warehouse asked for) is the day's: an open one the
            // warehouse may be accepting right now is not superseded under it.
            var latest = (await store.ProposalsAsync(centreId, 1, ct)).FirstOrDefault();
            if (latest is not null && latest.CreatedAt >= DailyProposals.DueSince(day, zone, settings.ReplenishmentDailyAt)) continue;
            var id = DailyProposals.Id(centreId, day);
            var proposal = await replenisher.ProposeAsync(centreId, id, Proposal.Daily, SystemUser, now, ct);
            if (proposal.CreatedAt == now) logger.LogInformation("Proposal {ProposalId} of centre {CentreId}: {Lines} lines", id, centreId, proposal.Lines.Count);
        }
    }
}
