using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;

namespace Logistics.Returns.Events;

/// <summary>A DOA replacement shipped: the dead unit is due 30 days from now on (shipped_at), not from the approval.</summary>
public sealed class PartRequestShippedHandler(ReturnStore store, ReturnsSettings settings, TimeProvider clock, ILogger<PartRequestShippedHandler> logger)
    : IIntegrationEventHandler<PartRequestShipped>
{
    public async Task HandleAsync(PartRequestShipped e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(e.DoaClaimId)) return; // an ordinary shipment: no return involved yet
        var tx = inbox.Transaction;
        var shippedAt = EventTime.Of(e.ShippedAt, clock);
        var replacementSerial = e.Serials.FirstOrDefault() ?? "";
        await ReturnChanges.LockClaimAsync(tx, e.DoaClaimId, ct);
        await store.RecordReplacementShipmentAsync(tx, e.DoaClaimId, e.RequestId, replacementSerial, shippedAt, ct);
        var returnId = ReturnIds.ForDeadUnit(e.DoaClaimId);
        var r = await store.FindForUpdateAsync(tx, returnId, ct);
        if (r is null)
        {
            logger.LogInformation("Replacement of DOA claim {ClaimId} shipped before its approval reached returns; kept for when it does", e.DoaClaimId);
            return;
        }
        var now = clock.GetUtcNow();
        await ReturnChanges.ApplyAsync(store, tx, r, () => r.StartDeadUnitClock(shippedAt, replacementSerial, settings.Policy, now),
            problem => logger.LogWarning("Replacement shipment of DOA claim {ClaimId} does not move return {ReturnId}: {Problem}", e.DoaClaimId, returnId, problem), ct);
    }
}
