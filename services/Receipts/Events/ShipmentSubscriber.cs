using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Events;

/// <summary>
/// Learns which handovers to expect from the senders' events: a part request shipped by a centre, a faulty part shipped
/// back by an engineer. The first announcement of a reference is kept; a repeat (redelivery, republish) changes nothing.
/// Order-independent: each reference (a request, a return) is shipped by exactly one event, so the handlers never
/// combine two events and any order ends in the same shipments. An event missing what a handover needs (reference,
/// addressee, centre) throws an invalid-field error, so it goes straight to the dead-letter topic for someone to look at.
/// </summary>
public static class ShipmentSubscriber
{
    public static void MapShipmentEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestShipped>(EventTopics.PartRequestShipped, (e, inbox, ct) =>
            OnPartRequestShippedAsync(e, inbox.Transaction, Table(inbox), Clock(inbox), ct));
        app.MapIntegrationEvent<ReturnChanged>(EventTopics.ReturnChanged, (e, inbox, ct) =>
            OnReturnChangedAsync(e, inbox.Transaction, Table(inbox), Clock(inbox), ct));
    }

    public static Task OnPartRequestShippedAsync(PartRequestShipped e, NpgsqlTransaction tx, ShipmentsTable shipments, TimeProvider clock, CancellationToken ct)
    {
        var shipment = Shipment.OfPartRequest(
            e.RequestId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serials, e.Quantity, e.ShippedBy, e.DoaClaimId, When(e.ShippedAt, clock),
            e.DeliverBy?.ToDateTimeOffset());
        return shipments.AddAsync(tx, shipment, ct);
    }

    public static Task OnReturnChangedAsync(ReturnChanged e, NpgsqlTransaction tx, ShipmentsTable shipments, TimeProvider clock, CancellationToken ct)
    {
        if (e.Step != "shipped") return Task.CompletedTask; // only shipping back makes a handover; the other steps are not ours
        var shipment = Shipment.OfReturn(e.ReturnId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serial, e.DoaClaimId, When(e.OccurredAt, clock));
        return shipments.AddAsync(tx, shipment, ct);
    }

    private static ShipmentsTable Table(InboxContext inbox) => inbox.Services.GetRequiredService<ShipmentsTable>();

    private static TimeProvider Clock(InboxContext inbox) => inbox.Services.GetRequiredService<TimeProvider>();

    /// <summary>The event's own time; a publisher that left it out gets the arrival time.</summary>
    private static DateTimeOffset When(Google.Protobuf.WellKnownTypes.Timestamp? time, TimeProvider clock) =>
        time?.ToDateTimeOffset() ?? clock.GetUtcNow();
}
