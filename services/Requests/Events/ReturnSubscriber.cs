using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;

namespace Logistics.Requests.Events;

/// <summary>
/// Follows faulty-part returns: the inspection of the part removed in a request's swap closes the request
/// (PartRequestClosed); the return's steps keep the engineer's standing (an unreturned part, until it is received,
/// stops automatic approval of their requests).
/// </summary>
public static class ReturnSubscriber
{
    public static void MapReturnEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<ReturnInspected>(EventTopics.ReturnInspected, OnReturnInspectedAsync);
        app.MapIntegrationEvent<ReturnChanged>(EventTopics.ReturnChanged, OnReturnChangedAsync);
    }

    public static async Task OnReturnInspectedAsync(ReturnInspected e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.RequestId)) return;
        var requests = inbox.Services.GetRequiredService<PartRequestStore>();
        var request = await requests.FindForUpdateAsync(inbox.Transaction, e.RequestId, ct);
        // Not ours, not Installed (already closed: a redelivery), or another serial (e.g. a dead unit of a DOA claim).
        if (request is null || !request.AwaitsReturnOf(e.Serial)) return;
        request.CloseOnReturnInspected(e.ReturnId, e.Serial, EventTime.Of(e.InspectedAt, inbox));
        await requests.UpdateAsync(inbox.Transaction, request, ct);
        await RequestEvents.ClosedAsync(inbox.Transaction, request, ct);
    }

    /// <summary>Each step sets only its own mark (see <see cref="FaultyPartReturnsTable"/>), so any order gives the same standing.</summary>
    public static async Task OnReturnChangedAsync(ReturnChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.ReturnId) || string.IsNullOrEmpty(e.EngineerId)) return;
        var returns = inbox.Services.GetRequiredService<FaultyPartReturnsTable>();
        switch (e.Step)
        {
            case "unreturned":
                await returns.MarkUnreturnedAsync(inbox.Transaction, e.ReturnId, e.EngineerId, ct);
                break;
            case "received" or "inspected":
                await returns.MarkSettledAsync(inbox.Transaction, e.ReturnId, e.EngineerId, ct);
                break;
        }
    }
}
