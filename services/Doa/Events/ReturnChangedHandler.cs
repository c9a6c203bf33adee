using Logistics.Doa.Data;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>
/// return-changed: the dead-unit return of a claim reached the centre (step received; a later step inspected also
/// proves it, should received be missed). Other returns and steps are not ours.
/// </summary>
public sealed class ReturnChangedHandler(ClaimStore claims, TimeProvider clock, ILogger<ReturnChangedHandler> logger) : IIntegrationEventHandler<ReturnChanged>
{
    public async Task HandleAsync(ReturnChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.DoaClaimId) || e.Step is not (ReturnSteps.Received or ReturnSteps.Inspected)) return;
        var tx = inbox.Transaction;
        var claim = await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct);
        if (claim is null)
        {
            logger.LogWarning("Return {ReturnId} names claim {ClaimId}, which does not exist; ignored", e.ReturnId, e.DoaClaimId);
            return;
        }
        if (!string.IsNullOrEmpty(e.Serial) && e.Serial != claim.Serial)
        {
            logger.LogWarning("Return {ReturnId} of serial {Serial} names claim {ClaimId} of serial {ClaimSerial}; ignored",
                e.ReturnId, e.Serial, claim.ClaimId, claim.Serial);
            return;
        }
        var transitions = claim.RecordUnitReturned(e.ReturnId, e.By, EventTime.Of(e.OccurredAt, clock));
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }
}
