using Logistics.Doa.Data;
using Logistics.Events.V1;
using Npgsql;

namespace Logistics.Doa.Events;

/// <summary>
/// What the DOA report learns from inventory, in the inbox transaction: each part's supplier (part-catalogued) and each
/// serial's batch (the goods-in stock-movement-recorded that received it). Idempotent and order-independent: a repeat or
/// a stale copy changes nothing, and the report joins these at query time, so they may arrive before or after the delivery.
/// </summary>
public static class ReportFacts
{
    public static Task OnPartCataloguedAsync(NpgsqlTransaction tx, PartCatalogued e, CancellationToken ct) =>
        string.IsNullOrEmpty(e.PartNumber)
            ? Task.CompletedTask
            : ReportFactsTable.SaveSupplierAsync(tx, e.PartNumber, e.Supplier ?? "", e.Version, ct);

    public static async Task OnStockMovementRecordedAsync(NpgsqlTransaction tx, StockMovementRecorded e, CancellationToken ct)
    {
        if (e.Kind != "goods-in" || string.IsNullOrEmpty(e.PartNumber) || e.OccurredAt is null) return; // only goods-in says what arrived
        var receivedAt = e.OccurredAt.ToDateTimeOffset();
        foreach (var serial in e.Serials.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal))
            await ReportFactsTable.SaveBatchAsync(tx, e.PartNumber, serial, e.Batch ?? "", receivedAt, e.MovementId ?? "", ct);
    }
}
