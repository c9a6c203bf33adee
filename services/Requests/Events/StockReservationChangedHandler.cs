using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// Inventory's answer to a request's reservation (StockReservationChanged whose reference is the request id): the
/// request becomes Reserved or Backordered, and the change goes out as PartRequestReservationChanged in the same
/// transaction. An answer for a request that is not ours (a manual reservation), for another centre, or that no
/// longer applies (late, repeated, after a cancel) changes nothing, so the order answers arrive in does not matter.
/// </summary>
public sealed class StockReservationChangedHandler(PartRequestStore requests, TimeProvider clock) : IIntegrationEventHandler<StockReservationChanged>
{
    public async Task HandleAsync(StockReservationChanged e, InboxContext inbox, CancellationToken ct)
    {
        ReservationOutcome? outcome = e.State switch
        {
            ReservationOutcomes.Reserved => ReservationOutcome.Reserved,
            ReservationOutcomes.Backordered => ReservationOutcome.Backordered,
            _ => null, // a release answers a cancel the request already recorded
        };
        if (outcome is null || string.IsNullOrEmpty(e.Reference)) return;
        var request = await requests.FindForUpdateAsync(inbox.Transaction, e.Reference, ct);
        if (request is null || request.CentreId != e.CentreId || !request.AwaitsReservation(outcome.Value)) return;
        request.RecordReservation(outcome.Value, EventTime.Of(e.OccurredAt, clock));
        await requests.UpdateAsync(inbox.Transaction, request, ct);
        await RequestEvents.ReservationChangedAsync(inbox.Transaction, request, ct);
    }
}
