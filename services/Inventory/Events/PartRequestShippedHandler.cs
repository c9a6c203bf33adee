using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;

namespace Logistics.Inventory.Events;

/// <summary>
/// part-request-shipped: the request's reserved units leave the shelf for transit, once (keyed by the reservation).
/// Stock follows the parts out and back through this handler and <see cref="ReceiptSignedHandler"/>,
/// <see cref="ReturnInspectedHandler"/> and <see cref="TransitInvestigationChangedHandler"/>; each script's key comes from
/// the business document, so redelivery changes nothing. Order-independent: each script moves its own document's units,
/// and one whose cause has not reached inventory yet (a delivery before its shipment, an inspection before the faulty
/// return) is refused and throws, so the sidecar delivers it again after the cause; the end state is the same in any
/// order (FulfilmentOrderIndependenceTests).
/// </summary>
public sealed class PartRequestShippedHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<PartRequestShipped>
{
    public async Task HandleAsync(PartRequestShipped e, InboxContext inbox, CancellationToken ct)
    {
        var reservationId = ReservationIds.ForRequest(e.RequestId);
        await stock.ShipAsync(EventCommands.For(e.CentreId, $"ship-{reservationId}", inbox.EventId, e.ShippedAt, clock), reservationId, e.Serials);
    }
}
