using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// transit-investigation-changed: serials of a shipment of ours written off as lost (receipts' investigation, approved
/// by a supervisor). A write-off of the whole shipment (nobody signed, or the engineer reported every serial missing)
/// makes the request LostInTransit, final, and the engineer may ask again (RequestParts with replaces_request_id); a
/// write-off of part of it makes those serials discrepancies, and the request is Delivered once all are accounted for.
/// Only `written-off` changes a request. Order-independent: receipts investigates only serials nobody signed for and
/// refuses a receipt on a written-off shipment, so the outcome does not depend on whether the other serials' receipt
/// came first, and a redelivery changes nothing.
/// </summary>
public sealed class TransitInvestigationChangedHandler(PartRequestStore requests, TimeProvider clock, ILogger<TransitInvestigationChangedHandler> logger)
    : IIntegrationEventHandler<TransitInvestigationChanged>
{
    public async Task HandleAsync(TransitInvestigationChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Step != TransitInvestigationSteps.WrittenOff || string.IsNullOrEmpty(e.Reference)) return;
        var tx = inbox.Transaction;
        var request = await requests.FindForUpdateAsync(tx, e.Reference, ct);
        if (request is null || request.State == RequestState.LostInTransit) return;
        if (request.State is not (RequestState.Shipped or RequestState.Delivered))
        {
            logger.LogWarning("Investigation {InvestigationId} wrote off request {RequestId}, which is {State}; ignored",
                e.InvestigationId, request.RequestId, request.State);
            return;
        }
        var before = request.State;
        if (!request.RecordLostInTransit(e.InvestigationId, e.Serials, string.IsNullOrEmpty(e.By) ? "receipts" : e.By, EventTime.Of(e.OccurredAt, clock))) return;
        await requests.UpdateAsync(tx, request, ct);
        if (before == RequestState.Shipped && request.State == RequestState.Delivered) await RequestEvents.DeliveredAsync(tx, request, ct);
    }
}
