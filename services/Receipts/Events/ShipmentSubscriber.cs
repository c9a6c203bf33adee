using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Events;

/// <summary>
/// Learns which handovers to expect from the senders' events: a part request shipped by a centre, a faulty part shipped
/// back by an engineer. The first announcement of a reference is kept; a repeat (redelivery, republish) changes nothing.
/// An event missing what a handover needs (reference, addressee, centre) throws an invalid-field error, so it goes straight to
/// the dead-letter topic for someone to look at.
/// </summary>
public static class ShipmentSubscriber
{
    public static void MapShipmentEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestShipped>(EventTopics.PartRequestShipped, async (e, inbox, ct) =>
        {
            var shipment = Shipment.OfPartRequest(
                e.RequestId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serials, e.Quantity, e.ShippedBy, e.DoaClaimId,
                When(e.ShippedAt, inbox));
            await inbox.Services.GetRequiredService<ShipmentsTable>().AddAsync(inbox.Transaction, shipment, ct);
        });

        app.MapIntegrationEvent<ReturnChanged>(EventTopics.ReturnChanged, async (e, inbox, ct) =>
        {
            if (e.Step != "shipped") return; // only shipping back makes a handover; the other steps are not ours
            var shipment = Shipment.OfReturn(e.ReturnId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serial, e.DoaClaimId, When(e.OccurredAt, inbox));
            await inbox.Services.GetRequiredService<ShipmentsTable>().AddAsync(inbox.Transaction, shipment, ct);
        });
    }

    /// <summary>The event's own time; a publisher that left it out gets the arrival time.</summary>
    private static DateTimeOffset When(Google.Protobuf.WellKnownTypes.Timestamp? time, InboxContext inbox) =>
        time?.ToDateTimeOffset() ?? inbox.Services.GetRequiredService<TimeProvider>().GetUtcNow();
}
