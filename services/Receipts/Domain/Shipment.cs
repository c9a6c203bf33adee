using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>
/// What was sent on a reference, as the sender announced it (a part request shipped by a centre, a faulty part shipped
/// back by an engineer): the handover that receipts on that reference are checked against. Written once, from the first
/// event that announces it.
/// </summary>
/// <param name="Reference">The request id, the return id, or <c>transfer-&lt;transfer id&gt;</c>.</param>
/// <param name="HandedOverBy">Who handed the goods over: the shipping user, or <c>centre:&lt;id&gt;</c> when the event names none.</param>
/// <param name="Serials">Serials shipped (none for parts tracked by quantity).</param>
/// <param name="Faulty">The part comes back faulty (a faulty-part return).</param>
/// <param name="DoaClaimId">The DOA claim of a replacement shipment or of a dead-unit return; empty otherwise.</param>
public sealed record Shipment(
    string Reference, ReceiptKind Kind, Addressee AddressedTo, string HandedOverBy, string CentreId, string PartNumber, string SiteId,
    IReadOnlyList<string> Serials, int Quantity, bool Faulty, string DoaClaimId, DateTimeOffset ShippedAt)
{
    /// <summary>When the part must reach the site (a part request's service level); null for returns and for shipments
    /// announced before the event carried it. Lost-in-transit investigations start from it.</summary>
    public DateTimeOffset? DeliverBy { get; init; }

    /// <summary>
    /// A part request shipped by a centre to the engineer who asked for it (the only one who signs). A DOA replacement
    /// (the request of an approved DOA claim) is delivered by the carrier to the site: kind <c>carrier-to-site</c>.
    /// </summary>
    public static Shipment OfPartRequest(
        string? requestId, string? engineerId, string? centreId, string? partNumber, string? siteId, IEnumerable<string?>? serials, int quantity,
        string? shippedBy, string? doaClaimId, DateTimeOffset shippedAt, DateTimeOffset? deliverBy = null)
    {
        var reference = Require.Code(requestId, "request_id", 64);
        var engineer = Require.Text(engineerId, "engineer_id");
        var centre = Require.Code(centreId, "centre_id", 64);
        var shipped = SharedKernel.Serials.CheckDistinct(serials, "serials");
        var doa = doaClaimId?.Trim() ?? "";
        return new Shipment(
            reference, doa.Length > 0 ? ReceiptKind.CarrierToSite : ReceiptKind.CentreToEngineer, Addressee.Engineer(engineer),
            string.IsNullOrWhiteSpace(shippedBy) ? "centre:" + centre : shippedBy.Trim(), centre, partNumber?.Trim() ?? "", siteId?.Trim() ?? "",
            shipped, Math.Max(quantity, shipped.Count), false, doa, shippedAt) { DeliverBy = deliverBy };
    }

    /// <summary>
    /// A faulty part shipped back by the engineer to the centre (<c>engineer-to-centre</c>, faulty): addressed to the centre,
    /// so any warehouse user signs for it. One unit, its serial if known.
    /// </summary>
    public static Shipment OfReturn(
        string? returnId, string? engineerId, string? centreId, string? partNumber, string? siteId, string? serial, string? doaClaimId, DateTimeOffset shippedAt)
    {
        var reference = Require.Code(returnId, "return_id", 64);
        var engineer = Require.Text(engineerId, "engineer_id");
        var centre = Require.Code(centreId, "centre_id", 64);
        var shipped = string.IsNullOrWhiteSpace(serial) ? [] : SharedKernel.Serials.CheckDistinct([serial], "serial");
        return new Shipment(
            reference, ReceiptKind.EngineerToCentre, Addressee.Centre(centre), engineer, centre, partNumber?.Trim() ?? "", siteId?.Trim() ?? "",
            shipped, 1, true, doaClaimId?.Trim() ?? "", shippedAt);
    }

    /// <summary>The reference a transfer between centres is watched under.</summary>
    public static string TransferReference(string transferId) => "transfer-" + transferId;

    /// <summary>
    /// A transfer shipped by one centre to another (<c>centre-to-centre</c>): addressed to the receiving centre, its
    /// <see cref="CentreId"/> the sending centre (whose staff act on a loss, whose transit the units sit in). The event
    /// names no serials (inventory keeps them); deliver-by is the shipping time plus the transfer transit allowance.
    /// </summary>
    public static Shipment OfTransfer(
        string? transferId, string? fromCentreId, string? toCentreId, string? partNumber, int quantity, string? shippedBy, DateTimeOffset shippedAt,
        TimeSpan allowance)
    {
        var id = Require.Code(transferId, "transfer_id", 64);
        var from = Require.Code(fromCentreId, "from_centre_id", 64);
        var to = Require.Code(toCentreId, "to_centre_id", 64);
        return new Shipment(
            TransferReference(id), ReceiptKind.CentreToCentre, Addressee.Centre(to), string.IsNullOrWhiteSpace(shippedBy) ? "centre:" + from : shippedBy.Trim(),
            from, partNumber?.Trim() ?? "", "", [], Math.Max(quantity, 0), false, "", shippedAt) { DeliverBy = shippedAt + allowance };
    }

    /// <summary>A transfer between centres: inventory receives it (a transfer receipt), so nobody signs for it here.</summary>
    public bool IsTransfer => Kind == ReceiptKind.CentreToCentre;

    /// <summary>What a receipt on this reference is checked against, given what is already signed for on it.</summary>
    /// <param name="deliveredAt">When the goods arrived: the first receipt's signing time (or now, for the first receipt).</param>
    public ExpectedHandover Expect(DateTimeOffset deliveredAt, IReadOnlyCollection<string> alreadySignedSerials) =>
        new(Reference, Kind, AddressedTo, HandedOverBy, deliveredAt, Serials, alreadySignedSerials);
}
