using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// transit-investigation-changed: a shipment written off as lost in transit (receipts' investigation, approved by a
/// supervisor) leaves transit as lost, once (keyed by the investigation). The other steps move no stock. Before the
/// shipment has reached inventory the script refuses (not in transit) and the event comes again after it, as a delivery does.
/// </summary>
public sealed class TransitInvestigationChangedHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<TransitInvestigationChanged>
{
    public async Task HandleAsync(TransitInvestigationChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Step != TransitInvestigationSteps.WrittenOff) return;
        await stock.LoseInTransitAsync(EventCommands.For(e.CentreId, $"lost-{e.InvestigationId}", inbox.EventId, e.OccurredAt, clock),
            e.PartNumber, e.Serials, e.Quantity, e.Reference);
    }
}
