namespace Logistics.Doa.Domain;

/// <summary>
/// A unit signed for at its destination (a receipt-signed of kind centre-to-engineer or carrier-to-site): the facts a
/// claim's eligibility is judged on. One per part number and serial: the latest delivery of that unit.
/// </summary>
/// <param name="RequestId">The request it was shipped on (the receipt's reference).</param>
/// <param name="EngineerId">Who signed for it (the receipt's signer): the only engineer who may file a claim for it.</param>
/// <param name="DeliveredAt">When it was signed for; the unboxing window runs from here.</param>
/// <param name="ReceiptId">The receipt that delivered it (a correction that withdraws the serial removes the delivery).</param>
public sealed record Delivery(
    string Serial, string RequestId, string PartNumber, string CentreId, string SiteId, string EngineerId, DateTimeOffset DeliveredAt, string ReceiptId)
{
    /// <summary>
    /// Whether <paramref name="incoming"/> becomes the unit's delivery: there is none yet, or it is not older than the one
    /// kept (the newer signature wins; a redelivered event with the same time changes nothing that matters).
    /// </summary>
    public static bool Replaces(Delivery? current, Delivery incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        return current is null || incoming.DeliveredAt >= current.DeliveredAt;
    }
}

/// <summary>Who files: a delivery manager may file for any delivered unit, an engineer only for a unit delivered to them.</summary>
public sealed record Filer(string UserId, bool IsDeliveryManager);

/// <summary>A claim filed before for the same unit (only its id and state matter to eligibility).</summary>
public sealed record EarlierClaim(string ClaimId, DoaClaimState State);
