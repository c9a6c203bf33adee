using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// part-request-cancelled: the request's reservation (or backorder) is released, under a key made from the request, and
/// the cancel is remembered under the request's lock so an approval arriving after it reserves nothing
/// (<see cref="PartRequestApprovedHandler"/>).
/// </summary>
public sealed class PartRequestCancelledHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<PartRequestCancelled>
{
    public async Task HandleAsync(PartRequestCancelled e, InboxContext inbox, CancellationToken ct)
    {
        await CancelledRequestsTable.LockAsync(inbox.Transaction, e.RequestId, ct);
        await CancelledRequestsTable.AddAsync(inbox.Transaction, e.RequestId, e.CentreId, EventTime.Of(e.CancelledAt, clock), ct);
        var reservationId = ReservationIds.ForRequest(e.RequestId);
        if (await stock.GetReservationAsync(e.CentreId, reservationId) is not { State: ReservationState.Reserved or ReservationState.Backordered })
            return; // never reserved (cancelled before approval) or already released: nothing to give back
        var command = EventCommands.For(e.CentreId, $"release-{reservationId}", inbox.EventId, e.CancelledAt, clock);
        await stock.ReleaseAsync(command, reservationId);
    }
}
