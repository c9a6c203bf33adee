using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// Stock follows the part requests: an approved request is reserved (or backordered when short), a cancelled
/// one released. The outcome goes out as the StockMovementRecorded of the reservation, whose reference is the
/// request id. The stock scripts' idempotency keys come from the request, so a redelivered event changes nothing
/// even if the inbox row was lost with a crash between Redis and Postgres.
/// </summary>
public static class RequestSubscriber
{
    public static void MapRequestEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestApproved>(EventTopics.PartRequestApproved, async (e, inbox, _) =>
        {
            var stock = inbox.Services.GetRequiredService<StockStore>();
            var command = new StockCommand(e.CentreId, $"reserve-{ReservationIds.ForRequest(e.RequestId)}", MovementIdFor(inbox.EventId), When(e.ApprovedAt));
            await stock.ReserveAsync(command, e.PartNumber, e.Quantity, e.RequestId, ReservationIds.ForRequest(e.RequestId),
                ServiceLevel.Parse(e.ServiceLevel), When(e.RequestedAt), backorderIfShort: true);
        });

        app.MapIntegrationEvent<PartRequestCancelled>(EventTopics.PartRequestCancelled, async (e, inbox, _) =>
        {
            var stock = inbox.Services.GetRequiredService<StockStore>();
            var reservationId = ReservationIds.ForRequest(e.RequestId);
            if (await stock.GetReservationAsync(e.CentreId, reservationId) is not { State: Domain.Stock.ReservationState.Reserved or Domain.Stock.ReservationState.Backordered })
                return; // never reserved (cancelled before approval) or already released: nothing to give back
            var command = new StockCommand(e.CentreId, $"release-{reservationId}", MovementIdFor(inbox.EventId), When(e.CancelledAt));
            await stock.ReleaseAsync(command, reservationId);
        });
    }

    /// <summary>The event's own time; a publisher that left it out gets the arrival time.</summary>
    private static DateTimeOffset When(Google.Protobuf.WellKnownTypes.Timestamp? time) => time?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;

    /// <summary>The same event always makes the same movement id.</summary>
    private static Guid MovementIdFor(string eventId) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("movement:" + eventId)).AsSpan(0, 16));
}
