using Logistics.Doa.Data;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>
/// part-catalogued: each part's supplier, for the DOA report. Idempotent and order-independent: a repeat or a stale
/// version changes nothing, and the report joins it at query time, so it may arrive before or after the delivery.
/// </summary>
public sealed class PartCataloguedHandler : IIntegrationEventHandler<PartCatalogued>
{
    public Task HandleAsync(PartCatalogued e, InboxContext inbox, CancellationToken ct) =>
        string.IsNullOrEmpty(e.PartNumber)
            ? Task.CompletedTask
            : ReportFactsTable.SaveSupplierAsync(inbox.Transaction, e.PartNumber, e.Supplier ?? "", e.Version, ct);
}
