using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// Follows signed receipts of our shipments (centre-to-engineer, and carrier-to-site for a DOA replacement): the
/// serials signed for are delivered (one reported missing before included: it turned up), those reported missing become
/// discrepancies, and once every shipped serial is accounted for and one was signed for the request is Delivered
/// (PartRequestDelivered); with every serial missing it stays Shipped for the lost-in-transit investigation. Only serials
/// not yet signed for are applied, so a redelivered receipt or a correction naming serials already accounted for
/// changes nothing instead of failing.
/// </summary>
public sealed class ReceiptSignedHandler(PartRequestStore requests, TimeProvider clock, ILogger<ReceiptSignedHandler> logger)
    : IIntegrationEventHandler<ReceiptSigned>
{
    public async Task HandleAsync(ReceiptSigned e, InboxContext inbox, CancellationToken ct)
    {
        if (!ReceiptKinds.IsDelivery(e.Kind) || string.IsNullOrEmpty(e.Reference)) return;
        var tx = inbox.Transaction;
        var request = await requests.FindForUpdateAsync(tx, e.Reference, ct);
        if (request is null || request.State != RequestState.Shipped) return;
        if (e.SignedBy != request.EngineerId)
        {
            // Receipts lets only the addressed engineer sign; anything else is not a delivery to them.
            logger.LogWarning("Receipt {ReceiptId} on request {RequestId} is signed by {Signer}, not by {Engineer}; ignored",
                e.ReceiptId, request.RequestId, e.SignedBy, request.EngineerId);
            return;
        }

        var outstanding = request.OutstandingSerials.ToHashSet(StringComparer.Ordinal);
        // A serial reported missing before may turn up and be signed for: it is delivered after all.
        var signed = e.Serials.Where(s => outstanding.Contains(s) || request.DiscrepancySerials.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
        var missing = e.MissingSerials.Where(s => outstanding.Contains(s) && !signed.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
        if (signed.Count == 0 && missing.Count == 0) return;

        var at = EventTime.Of(e.SignedAt, clock);
        var delivered = false;
        if (signed.Count > 0) delivered = request.RecordDelivery(signed, e.SignedBy, at);
        if (missing.Count > 0) delivered = request.RecordDiscrepancy(missing, $"reported missing on receipt {e.ReceiptId}", e.SignedBy, at);
        await requests.UpdateAsync(tx, request, ct);
        if (delivered) await RequestEvents.DeliveredAsync(tx, request, ct);
    }
}
