using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;

namespace Logistics.Returns.Events;

/// <summary>An approved DOA claim opens the dead unit's return (F003), its deadline from the replacement's shipment once known.</summary>
public sealed class DoaClaimApprovedHandler(ReturnStore store, ReturnsSettings settings, TimeProvider clock, ILogger<DoaClaimApprovedHandler> logger)
    : IIntegrationEventHandler<DoaClaimApproved>
{
    public async Task HandleAsync(DoaClaimApproved e, InboxContext inbox, CancellationToken ct)
    {
        var tx = inbox.Transaction;
        FaultyReturn opened;
        try
        {
            opened = FaultyReturn.OpenForDeadUnit(new DeadUnitFacts(
                e.ClaimId, e.RequestId, e.Serial, e.CentreId, e.PartNumber, e.SiteId, e.TicketId, e.EngineerId, e.ApprovedBy,
                EventTime.Of(e.ApprovedAt, clock)), settings.Policy);
            await ReturnChanges.LockClaimAsync(tx, opened.DoaClaimId, ct);
            // The replacement may have shipped (and its event arrived) before this approval reached us.
            if (await store.FindReplacementShipmentAsync(tx, opened.DoaClaimId, ct) is { } shipment)
                opened.StartDeadUnitClock(shipment.ShippedAt, shipment.ReplacementSerial, settings.Policy, clock.GetUtcNow());
        }
        catch (DomainException x)
        {
            logger.LogError("DoaClaimApproved of claim {ClaimId} cannot open a return and is ignored: {Problem}", e.ClaimId, x.Message);
            return;
        }
        await ReturnChanges.OpenAsync(store, tx, opened, logger, ct);
    }
}
