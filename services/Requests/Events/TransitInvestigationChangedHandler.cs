using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// transit-investigation-changed: a shipment of ours written off as lost (receipts' investigation, approved by a
/// supervisor) makes its request LostInTransit, final; the engineer may then ask again (RequestParts with
/// replaces_request_id). Only `written-off` changes a request, and only a Shipped one: the write-off is caused by our
/// own shipment, and receipts refuses a receipt on a written-off shipment and opens no investigation on a signed one, so
/// a redelivery or any other order finds the request already LostInTransit and changes nothing.
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
        if (request.State != RequestState.Shipped)
        {
            logger.LogWarning("Investigation {InvestigationId} wrote off request {RequestId}, which is {State}; ignored",
                e.InvestigationId, request.RequestId, request.State);
            return;
        }
        request.RecordLostInTransit(e.InvestigationId, string.IsNullOrEmpty(e.By) ? "receipts" : e.By, EventTime.Of(e.OccurredAt, clock));
        await requests.UpdateAsync(tx, request, ct);
    }
}
