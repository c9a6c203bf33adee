using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Events;

/// <summary>
/// part-request-shipped: a centre shipped a request, so its engineer (or, for a DOA replacement, the carrier at the site)
/// is to sign for it. The first announcement of a reference is kept; a repeat (redelivery, republish) changes nothing.
/// Order-independent: each reference is shipped by exactly one event, so any order ends in the same shipments. An event
/// missing what a handover needs (reference, addressee, centre) throws an invalid-field error, so it goes straight to
/// the dead-letter topic for someone to look at.
/// </summary>
public sealed class PartRequestShippedHandler(TransitBook transit, TimeProvider clock) : IIntegrationEventHandler<PartRequestShipped>
{
    public Task HandleAsync(PartRequestShipped e, InboxContext inbox, CancellationToken ct)
    {
        var shipment = Shipment.OfPartRequest(
            e.RequestId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serials, e.Quantity, e.ShippedBy, e.DoaClaimId, EventTime.Of(e.ShippedAt, clock),
            e.DeliverBy?.ToDateTimeOffset());
        return transit.RecordShipmentAsync(inbox.Transaction, shipment, ct);
    }
}
