using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Transfers;

namespace Logistics.Inventory.Events;

/// <summary>
/// transit-investigation-changed: a shipment written off as lost in transit (receipts' investigation, approved by a
/// supervisor) leaves transit as lost, once (keyed by the investigation). The other steps move no stock. Before the
/// shipment has reached inventory the script refuses (not in transit) and the event comes again after it, as a delivery does.
/// A shipment to an engineer loses exactly the serials the investigation names (those nobody signed for, a serial
/// reported missing included). A transfer between centres (reference <c>transfer-&lt;id&gt;</c>) is written off under
/// the transfer's lock, as its receipt is: only the units still in transit (on the road, or recorded missing by a final
/// receipt; serials, or a count of a part tracked by quantity) leave the SENDING centre's transit, and the transfer keeps
/// them as lost so a later receipt of one is refused; a replay finds the transfer written off and moves nothing.
/// </summary>
public sealed class TransitInvestigationChangedHandler(StockStore stock, TimeProvider clock) : IIntegrationEventHandler<TransitInvestigationChanged>
{
    public const string TransferPrefix = "transfer-";

    public async Task HandleAsync(TransitInvestigationChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Step != TransitInvestigationSteps.WrittenOff) return;
        if (e.Reference.StartsWith(TransferPrefix, StringComparison.Ordinal))
        {
            await WriteOffTransferAsync(e, e.Reference[TransferPrefix.Length..], inbox, ct);
            return;
        }
        await stock.LoseInTransitAsync(EventCommands.For(e.CentreId, $"lost-{e.InvestigationId}", inbox.EventId, e.OccurredAt, clock), e.PartNumber, e.Serials, e.Quantity, e.Reference);
    }

    private async Task WriteOffTransferAsync(TransitInvestigationChanged e, string transferId, InboxContext inbox, CancellationToken ct)
    {
        var tx = inbox.Transaction;
        var before = await TransferStore.ReadForUpdateAsync(tx, transferId, ct);
        var at = EventTime.Of(e.OccurredAt, clock);
        var by = string.IsNullOrEmpty(e.By) ? "receipts" : e.By;
        var (after, lost, count) = before.WriteOffLost(e.InvestigationId, by, at);
        if (count == 0) return;
        // The sending centre's transit, keyed by the investigation: a retry after a failed commit replays this move.
        await stock.LoseInTransitAsync(EventCommands.For(before.FromCentreId, TransferMoves.Key(before.TransferId, "lost"), inbox.EventId, e.OccurredAt, clock),
            before.PartNumber, lost, count, before.TransferId);
        await TransferStore.UpdateAsync(tx, after, at, ct);
        await InventoryEvents.PublishTransferChangedAsync(tx, after, before.State, by, at, ct);
    }
}
