using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Jobs;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Npgsql;

namespace Logistics.Receipts.Jobs;

/// <summary>
/// Every <see cref="TransitPolicy.ScanInterval"/>, opens a lost-in-transit investigation for each shipment to an engineer
/// that nobody has signed for <see cref="TransitPolicy.GracePeriod"/> after its deliver-by; one transaction per shipment,
/// re-checked under the shipment's lock (a receipt signed meanwhile wins, two replicas open one investigation).
/// "Now" is the injected <see cref="TimeProvider"/>'s (the tests move it).
/// </summary>
public sealed class TransitWatch(
    NpgsqlDataSource dataSource, TransitInvestigationsTable investigations, TransitBook book, TransitPolicy policy, TimeProvider clock,
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
        foreach (var reference in await investigations.OverdueAsync(now - policy.GracePeriod, BatchSize, ct))
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var investigation = await book.OpenAsync(tx, reference, now, ct);
            if (investigation is null) continue;
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, investigation, TransitInvestigationSteps.Opened, "", ct);
            await CommitSignal.CommitAsync(tx, ct);
            logger.LogInformation("Shipment {Reference} to {Engineer} (deliver by {DeliverBy:u}) not signed for: investigation {Id} opened",
                reference, investigation.Shipment.AddressedTo.Party, investigation.DeliverBy, investigation.InvestigationId);
            opened++;
        }
        return opened;
    }
}
