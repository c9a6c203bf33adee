using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;

namespace Logistics.Requests.Events;

/// <summary>The inspection of the part removed in a request's swap closes the request (PartRequestClosed).</summary>
public sealed class ReturnInspectedHandler(PartRequestStore requests, TimeProvider clock) : IIntegrationEventHandler<ReturnInspected>
{
    public async Task HandleAsync(ReturnInspected e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.RequestId)) return;
        var request = await requests.FindForUpdateAsync(inbox.Transaction, e.RequestId, ct);
        // Not ours, not Installed (already closed: a redelivery), or another serial (e.g. a dead unit of a DOA claim).
        if (request is null || !request.AwaitsReturnOf(e.Serial)) return;
        request.CloseOnReturnInspected(e.ReturnId, e.Serial, EventTime.Of(e.InspectedAt, clock));
        await requests.UpdateAsync(inbox.Transaction, request, ct);
        await RequestEvents.ClosedAsync(inbox.Transaction, request, ct);
    }
}
