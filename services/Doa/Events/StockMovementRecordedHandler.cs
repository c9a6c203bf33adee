using Logistics.Doa.Data;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>
/// stock-movement-recorded: each serial's batch, from the goods-in that received it, for the DOA report. Idempotent and
/// order-independent, as <see cref="PartCataloguedHandler"/>.
/// </summary>
public sealed class StockMovementRecordedHandler : IIntegrationEventHandler<StockMovementRecorded>
{
    public async Task HandleAsync(StockMovementRecorded e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Kind != StockMovementKinds.GoodsIn || string.IsNullOrEmpty(e.PartNumber) || e.OccurredAt is null) return; // only goods-in says what arrived
        var receivedAt = e.OccurredAt.ToDateTimeOffset();
        foreach (var serial in e.Serials.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal))
            await ReportFactsTable.SaveBatchAsync(inbox.Transaction, e.PartNumber, serial, e.Batch ?? "", receivedAt, e.MovementId ?? "", ct);
    }
}
