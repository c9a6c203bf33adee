using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;

namespace Logistics.Requests.Events;

/// <summary>
/// A return's steps keep the engineer's standing: an unreturned part, until it is received, stops automatic approval
/// of their requests. Each step sets only its own mark (see <see cref="FaultyPartReturnsTable"/>), so any order gives
/// the same standing.
/// </summary>
public sealed class ReturnChangedHandler(FaultyPartReturnsTable returns) : IIntegrationEventHandler<ReturnChanged>
{
    public async Task HandleAsync(ReturnChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.ReturnId) || string.IsNullOrEmpty(e.EngineerId)) return;
        switch (e.Step)
        {
            case ReturnSteps.Unreturned:
                await returns.MarkUnreturnedAsync(inbox.Transaction, e.ReturnId, e.EngineerId, ct);
                break;
            case ReturnSteps.Received or ReturnSteps.Inspected:
                await returns.MarkSettledAsync(inbox.Transaction, e.ReturnId, e.EngineerId, ct);
                break;
        }
    }
}
