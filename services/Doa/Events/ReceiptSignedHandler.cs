using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>
/// receipt-signed: every serial a delivery (centre-to-engineer, carrier-to-site) newly signs for becomes (or, when newer,
/// replaces) that unit's delivery; a correction's withdrawn serials lose the delivery the superseded receipt made. When
/// the receipt is for a claim's replacement request (or names the claim), the replacement was received. Like every doa
/// handler it never throws for an event that is not ours, stale, repeated or early (throwing means redelivery and,
/// finally, a dead letter): it applies what is consistent and ignores the rest.
/// </summary>
public sealed class ReceiptSignedHandler(ClaimStore claims, DeliveriesTable deliveries, TimeProvider clock, ILogger<ReceiptSignedHandler> logger)
    : IIntegrationEventHandler<ReceiptSigned>
{
    public async Task HandleAsync(ReceiptSigned e, InboxContext inbox, CancellationToken ct)
    {
        if (!ReceiptKinds.IsDelivery(e.Kind)) return;
        var tx = inbox.Transaction;
        var signedAt = EventTime.Of(e.SignedAt, clock);
        foreach (var serial in e.Serials.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal))
        {
            var incoming = new Delivery(serial, e.Reference, e.PartNumber, e.CentreId, e.SiteId, e.SignedBy, signedAt, e.ReceiptId);
            var current = await deliveries.FindForUpdateAsync(tx, e.PartNumber, serial, ct);
            if (await deliveries.WasWithdrawnAsync(tx, incoming, ct))
            {
                // Its correction came first. Had it come in order, this delivery would have replaced an older current one
                // and then been withdrawn with it: so the older one goes now.
                if (current is not null && Delivery.Replaces(current, incoming)) await deliveries.DeleteAsync(tx, e.PartNumber, serial, ct);
                continue;
            }
            // A newer delivery of the unit was withdrawn: in order it would have replaced this one before it went.
            if (await deliveries.LatestWithdrawnAsync(tx, e.PartNumber, serial, ct) is { } withdrawn && withdrawn > incoming.DeliveredAt) continue;
            if (Delivery.Replaces(current, incoming)) await deliveries.SaveAsync(tx, incoming, ct);
        }
        if (!string.IsNullOrEmpty(e.Supersedes))
            foreach (var serial in e.WithdrawnSerials)
                await deliveries.WithdrawAsync(tx, e.PartNumber, serial, e.Supersedes, ct);

        if (e.Serials.Count == 0) return; // nothing newly signed for: the replacement was not received by this one
        var claim = !string.IsNullOrEmpty(e.DoaClaimId)
            ? await claims.FindForUpdateAsync(tx, e.DoaClaimId, ct)
            : e.Reference.StartsWith(DoaClaim.ReplacementRequestPrefix, StringComparison.Ordinal)
                ? await claims.FindByReplacementRequestForUpdateAsync(tx, e.Reference, ct)
                : null;
        if (claim is null)
        {
            if (!string.IsNullOrEmpty(e.DoaClaimId)) logger.LogWarning("Receipt {ReceiptId} names claim {ClaimId}, which does not exist; ignored", e.ReceiptId, e.DoaClaimId);
            return;
        }
        var transitions = claim.RecordReplacementReceived(e.ReceiptId, e.Serials[0], e.SignedBy, signedAt);
        await claims.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }
}
