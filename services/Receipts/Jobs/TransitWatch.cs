using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Jobs;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Npgsql;

namespace Logistics.Receipts.Jobs;

/// <summary>
/// Every <see cref="TransitPolicy.ScanInterval"/>, opens a lost-in-transit investigation for each watched shipment (to an
/// engineer, or between centres) with units still outstanding <see cref="TransitPolicy.GracePeriod"/> after its
/// deliver-by: nothing signed, the rest of a partial delivery, units reported missing. It reads only the watch list
/// (shipments with units outstanding and no investigation), so a scan costs what may still go astray, not every
/// shipment ever made. One transaction per shipment, re-checked under the shipment's lock (a receipt signed meanwhile
/// wins, two replicas open one investigation).
/// "Now" is the injected <see cref="TimeProvider"/>'s (the tests move it).
/// </summary>
public sealed class TransitWatch(
    NpgsqlDataSource dataSource, TransitWatchTable watch, TransitBook book, TransitPolicy policy, TimeProvider clock,
    ILogger<TransitWatch> logger)
    : PeriodicJob(clock, logger)
{
    private const int BatchSize = 200;

    protected override TimeSpan Interval => policy.ScanInterval;

    protected override string Name => "Lost-in-transit watch";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var opened = await RunOnceAsync(ct);
        if (opened > 0) logger.LogInformation("Opened {Count} lost-in-transit investigations", opened);
    }

    /// <summary>One scan at the clock's now. Returns how many investigations it opened.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        var opened = 0;
        foreach (var reference in await watch.OverdueAsync(now - policy.GracePeriod, BatchSize, ct))
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var investigation = await book.OpenAsync(tx, reference, now, ct);
            if (investigation is null) continue;
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, investigation, TransitInvestigationSteps.Opened, "", ct);
            await CommitSignal.CommitAsync(tx, ct);
            logger.LogInformation("Shipment {Reference} to {Addressee} (deliver by {DeliverBy:u}): {Units} of {Shipped} units not accounted for; investigation {Id} opened",
                reference, investigation.Shipment.AddressedTo.Party, investigation.DeliverBy, investigation.Units.Quantity, investigation.Shipment.Quantity,
                investigation.InvestigationId);
            opened++;
        }
        return opened;
    }
}
