using Logistics.SharedKernel;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// Stock follows the part requests: an approved request is reserved (or backordered when short), a cancelled
/// one released. The outcome goes out as the StockReservationChanged of the reservation, whose reference is the
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
            var command = EventCommands.For(e.CentreId, $"reserve-{ReservationIds.ForRequest(e.RequestId)}", inbox.EventId, e.ApprovedAt);
            await stock.ReserveAsync(command, e.PartNumber, e.Quantity, e.RequestId, ReservationIds.ForRequest(e.RequestId),
                ServiceLevel.Parse(e.ServiceLevel), EventCommands.When(e.RequestedAt), backorderIfShort: true);
        });

        app.MapIntegrationEvent<PartRequestCancelled>(EventTopics.PartRequestCancelled, async (e, inbox, _) =>
        {
            var stock = inbox.Services.GetRequiredService<StockStore>();
            var reservationId = ReservationIds.ForRequest(e.RequestId);
            if (await stock.GetReservationAsync(e.CentreId, reservationId) is not { State: Domain.Stock.ReservationState.Reserved or Domain.Stock.ReservationState.Backordered })
                return; // never reserved (cancelled before approval) or already released: nothing to give back
            var command = EventCommands.For(e.CentreId, $"release-{reservationId}", inbox.EventId, e.CancelledAt);
            await stock.ReleaseAsync(command, reservationId);
        });
    }
}
