using Logistics.Doa.Data;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>part-request-shipped: keeps the request's ticket; for a claim's replacement, the replacement was shipped.</summary>
public sealed class PartRequestShippedHandler(ClaimStore claims, RequestTicketsTable tickets, TimeProvider clock, ILogger<PartRequestShippedHandler> logger)
    : IIntegrationEventHandler<PartRequestShipped>
{
    public async Task HandleAsync(PartRequestShipped e, InboxContext inbox, CancellationToken ct)
    {
        var tx = inbox.Transaction;
        if (!string.IsNullOrEmpty(e.RequestId) && !string.IsNullOrEmpty(e.TicketId)) await tickets.SaveAsync(tx, e.RequestId, e.TicketId, ct);
        if (string.IsNullOrEmpty(e.DoaClaimId)) return;
        var claim = await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct);
        if (claim is null)
        {
            logger.LogWarning("Request {RequestId} shipped for claim {ClaimId}, which does not exist; ignored", e.RequestId, e.DoaClaimId);
            return;
        }
        var transitions = claim.RecordReplacementShipped(e.Serials.FirstOrDefault(), e.ShippedBy, EventTime.Of(e.ShippedAt, clock));
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }
}
