using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Events;

/// <summary>
/// part-request-approved: the request's part is reserved (or backordered when short); the outcome goes out as the
/// StockReservationChanged of the reservation, whose reference is the request id. The stock script's idempotency key
/// comes from the request, so a redelivered event changes nothing even if the inbox row was lost with a crash between
/// Redis and Postgres. Approval and cancel are different topics, so a cancel may arrive first: both take the request's
/// lock, the cancel is remembered (<see cref="PartRequestCancelledHandler"/>), and an approval that comes after its
/// cancel reserves nothing.
/// </summary>
public sealed class PartRequestApprovedHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<PartRequestApproved>
{
    public async Task HandleAsync(PartRequestApproved e, InboxContext inbox, CancellationToken ct)
    {
        await CancelledRequestsTable.LockAsync(inbox.Transaction, e.RequestId, ct);
        if (await CancelledRequestsTable.ContainsAsync(inbox.Transaction, e.RequestId, ct))
            return; // cancelled before this approval reached us: nothing to set aside
        var reservationId = ReservationIds.ForRequest(e.RequestId);
        var command = EventCommands.For(e.CentreId, $"reserve-{reservationId}", inbox.EventId, e.ApprovedAt, clock);
        await stock.ReserveAsync(command, e.PartNumber, e.Quantity, e.RequestId, reservationId,
            ServiceLevel.Parse(e.ServiceLevel), EventTime.Of(e.RequestedAt, clock), backorderIfShort: true);
    }
}
