using Logistics.SharedKernel;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// Stock follows the part requests: an approved request is reserved (or backordered when short), a cancelled
/// one released. The outcome goes out as the StockReservationChanged of the reservation, whose reference is the
/// request id. The stock scripts' idempotency keys come from the request, so a redelivered event changes nothing
/// even if the inbox row was lost with a crash between Redis and Postgres. Approval and cancel are different topics,
/// so a cancel may arrive first: both take the request's lock, the cancel is remembered, and an approval that comes
/// after its cancel reserves nothing.
/// </summary>
public static class RequestSubscriber
{
    public static void MapRequestEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestApproved>(EventTopics.PartRequestApproved, OnPartRequestApprovedAsync);
        app.MapIntegrationEvent<PartRequestCancelled>(EventTopics.PartRequestCancelled, OnPartRequestCancelledAsync);
    }

    public static async Task OnPartRequestApprovedAsync(PartRequestApproved e, InboxContext inbox, CancellationToken ct)
    {
        await CancelledRequestsTable.LockAsync(inbox.Transaction, e.RequestId, ct);
        if (await CancelledRequestsTable.ContainsAsync(inbox.Transaction, e.RequestId, ct))
            return; // cancelled before this approval reached us: nothing to set aside
        var stock = inbox.Services.GetRequiredService<StockStore>();
        var command = EventCommands.For(e.CentreId, $"reserve-{ReservationIds.ForRequest(e.RequestId)}", inbox.EventId, e.ApprovedAt);
        await stock.ReserveAsync(command, e.PartNumber, e.Quantity, e.RequestId, ReservationIds.ForRequest(e.RequestId),
            ServiceLevel.Parse(e.ServiceLevel), EventCommands.When(e.RequestedAt), backorderIfShort: true);
    }

    public static async Task OnPartRequestCancelledAsync(PartRequestCancelled e, InboxContext inbox, CancellationToken ct)
    {
        await CancelledRequestsTable.LockAsync(inbox.Transaction, e.RequestId, ct);
        await CancelledRequestsTable.AddAsync(inbox.Transaction, e.RequestId, e.CentreId, EventCommands.When(e.CancelledAt), ct);
        var stock = inbox.Services.GetRequiredService<StockStore>();
        var reservationId = ReservationIds.ForRequest(e.RequestId);
        if (await stock.GetReservationAsync(e.CentreId, reservationId) is not { State: Domain.Stock.ReservationState.Reserved or Domain.Stock.ReservationState.Backordered })
            return; // never reserved (cancelled before approval) or already released: nothing to give back
        var command = EventCommands.For(e.CentreId, $"release-{reservationId}", inbox.EventId, e.CancelledAt);
        await stock.ReleaseAsync(command, reservationId);
    }
}
