using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;

namespace Logistics.Inventory.Events;

/// <summary>
/// Stock follows the parts out and back: shipped requests leave the shelf for transit, signed deliveries leave
/// transit, faulty returns arrive for inspection, and inspection decides where they go. Each script's
/// idempotency key comes from the business document (request, receipt, return), so redelivery changes nothing.
/// Order-independent: each script moves its own document's units, and one whose cause has not reached inventory yet (a
/// delivery before its shipment, an inspection before the faulty return) is refused and throws, so the sidecar delivers
/// it again after the cause; the end state is the same in any order (FulfilmentOrderIndependenceTests).
/// </summary>
public static class FulfilmentSubscriber
{
    public static void MapFulfilmentEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestShipped>(EventTopics.PartRequestShipped, OnPartRequestShippedAsync);
        app.MapIntegrationEvent<ReceiptSigned>(EventTopics.ReceiptSigned, OnReceiptSignedAsync);
        app.MapIntegrationEvent<ReturnInspected>(EventTopics.ReturnInspected, OnReturnInspectedAsync);
        app.MapIntegrationEvent<TransitInvestigationChanged>(EventTopics.TransitInvestigationChanged, OnTransitInvestigationChangedAsync);
    }

    /// <summary>
    /// A shipment written off as lost in transit (receipts' investigation, approved by a supervisor): its units leave
    /// transit as lost, once (keyed by the investigation). The other steps move no stock. Before the shipment has reached
    /// inventory the script refuses (not in transit) and the event comes again after it, as a delivery does.
    /// </summary>
    public static async Task OnTransitInvestigationChangedAsync(TransitInvestigationChanged e, InboxContext inbox, CancellationToken _)
    {
        if (e.Step != "written-off") return;
        var stock = inbox.Services.GetRequiredService<StockStore>();
        await stock.LoseInTransitAsync(EventCommands.For(e.CentreId, $"lost-{e.InvestigationId}", inbox.EventId, e.OccurredAt),
            e.PartNumber, e.Serials, e.Quantity, e.Reference);
    }

    public static async Task OnPartRequestShippedAsync(PartRequestShipped e, InboxContext inbox, CancellationToken _)
    {
        var stock = inbox.Services.GetRequiredService<StockStore>();
        var reservationId = ReservationIds.ForRequest(e.RequestId);
        await stock.ShipAsync(EventCommands.For(e.CentreId, $"ship-{reservationId}", inbox.EventId, e.ShippedAt), reservationId, e.Serials);
    }

    public static async Task OnReceiptSignedAsync(ReceiptSigned e, InboxContext inbox, CancellationToken _)
    {
        var stock = inbox.Services.GetRequiredService<StockStore>();
        var command = EventCommands.For(e.CentreId, $"receipt-{e.ReceiptId}", inbox.EventId, e.SignedAt);
        // A correction carries only what it newly signs for; nothing new means no stock moves.
        if (e.Serials.Count == 0 && e.Quantity <= 0) return;
        switch (e.Kind)
        {
            // A DOA replacement is delivered by the carrier to the site: it leaves transit like any delivery.
            case "centre-to-engineer" or "carrier-to-site":
                await stock.ReceiveAtDestinationAsync(command, e.PartNumber, e.Serials, e.Quantity, e.Reference);
                break;
            case "engineer-to-centre" when e.Faulty:
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
                            e.PartNumber, serial, Domain.Stock.InspectionOutcome.Quarantine, null, e.DoaClaimId);
                }
                break;
            case "engineer-to-centre":
                // An unused part handed back: no stock moves here, but the centre that signed may take it in again.
                await inbox.Services.GetRequiredService<SerialClaims>().MarkReturnedAsync(e.CentreId, e.PartNumber, e.Serials, e.ReceiptId, CancellationToken.None);
                break;
            // Supplier deliveries are booked by goods-in; they move no centre stock here.
        }
    }

    public static async Task OnReturnInspectedAsync(ReturnInspected e, InboxContext inbox, CancellationToken _)
    {
        if (e.DoaClaimId != "") return; // a DOA dead unit was quarantined on receipt; its inspection moves no stock
        var stock = inbox.Services.GetRequiredService<StockStore>();
        var outcome = InspectionResults.ToOutcome(e.Result);
        await stock.InspectAsync(EventCommands.For(e.CentreId, $"inspect-{e.ReturnId}", inbox.EventId, e.InspectedAt),
            e.PartNumber, e.Serial, outcome, outcome == Domain.Stock.InspectionOutcome.ToStock ? e.Bin : null, e.ReturnId);
    }
}
