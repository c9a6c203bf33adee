using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Events;

/// <summary>
/// receipt-signed: signed deliveries leave transit, faulty returns arrive for inspection (a DOA dead unit straight into
/// quarantine), and an unused part handed back may be taken in again. Keyed by the receipt (and serial), so redelivery
/// changes nothing; see <see cref="PartRequestShippedHandler"/> for the order.
/// </summary>
public sealed class ReceiptSignedHandler(StockStore stock, SerialClaims serialClaims, TimeProvider clock) : IIntegrationEventHandler<ReceiptSigned>
{
    public async Task HandleAsync(ReceiptSigned e, InboxContext inbox, CancellationToken ct)
    {
        var command = EventCommands.For(e.CentreId, $"receipt-{e.ReceiptId}", inbox.EventId, e.SignedAt, clock);
        // A correction carries only what it newly signs for; nothing new means no stock moves.
        if (e.Serials.Count == 0 && e.Quantity <= 0) return;
        switch (e.Kind)
        {
            // A DOA replacement is delivered by the carrier to the site: it leaves transit like any delivery.
            case ReceiptKinds.CentreToEngineer or ReceiptKinds.CarrierToSite:
                await stock.ReceiveAtDestinationAsync(command, e.PartNumber, e.Serials, e.Quantity, e.Reference);
                break;
            case ReceiptKinds.EngineerToCentre when e.Faulty:
                // A faulty return is one unit (one serial); a receipt of several books each under its own key.
                if (e.Serials.Count == 0)
                    await stock.FaultyInAsync(command, e.PartNumber, null, e.Quantity, e.Reference);
                foreach (var serial in e.Serials)
                {
                    await stock.FaultyInAsync(command with { IdempotencyKey = $"{command.IdempotencyKey}-{serial}", MovementId = EventCommands.MovementId(inbox.EventId + serial) },
                        e.PartNumber, serial, 0, e.Reference);
                    // A DOA dead unit is quarantined on receipt (domain: pending inspection, never back on the shelf unchecked).
                    if (e.DoaClaimId != "")
                        await stock.InspectAsync(command with { IdempotencyKey = $"{command.IdempotencyKey}-{serial}-doa", MovementId = EventCommands.MovementId(inbox.EventId + serial + "doa") },
                            e.PartNumber, serial, InspectionOutcome.Quarantine, null, e.DoaClaimId);
                }
                break;
            case ReceiptKinds.EngineerToCentre:
                // An unused part handed back: no stock moves here, but the centre that signed may take it in again.
                await serialClaims.MarkReturnedAsync(e.CentreId, e.PartNumber, e.Serials, e.ReceiptId, CancellationToken.None);
                break;
            // Supplier deliveries are booked by goods-in; they move no centre stock here.
        }
    }
}
