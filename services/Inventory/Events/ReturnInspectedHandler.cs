using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>return-inspected: the inspection decides where a faulty return goes (keyed by the return).</summary>
public sealed class ReturnInspectedHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<ReturnInspected>
{
    public async Task HandleAsync(ReturnInspected e, InboxContext inbox, CancellationToken ct)
    {
        if (e.DoaClaimId != "") return; // a DOA dead unit was quarantined on receipt; its inspection moves no stock
        var outcome = InspectionResults.ToOutcome(e.Result);
        await stock.InspectAsync(EventCommands.For(e.CentreId, $"inspect-{e.ReturnId}", inbox.EventId, e.InspectedAt, clock),
            e.PartNumber, e.Serial, outcome, outcome == InspectionOutcome.ToStock ? e.Bin : null, e.ReturnId);
    }
}
