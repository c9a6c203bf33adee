using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;

namespace Logistics.Returns.Events;

/// <summary>The DOA claim inspected its dead unit: the dead-unit return closes with the claim's result.</summary>
public sealed class DoaClaimChangedHandler(ReturnStore store, TimeProvider clock, ILogger<DoaClaimChangedHandler> logger) : IIntegrationEventHandler<DoaClaimChanged>
{
    public async Task HandleAsync(DoaClaimChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Step != DoaClaimSteps.Inspected || string.IsNullOrWhiteSpace(e.ClaimId)) return;
        var r = await store.FindForUpdateAsync(inbox.Transaction, ReturnIds.ForDeadUnit(e.ClaimId), ct);
        if (r is null) return;
        var at = EventTime.Of(e.OccurredAt, clock);
        await ReturnChanges.ApplyAsync(store, inbox.Transaction, r, () => r.CloseOnDoaInspection(e.Result, e.By, at),
            problem => logger.LogWarning("Inspection of DOA claim {ClaimId} does not close return {ReturnId}: {Problem}", e.ClaimId, r.ReturnId, problem), ct);
    }
}
