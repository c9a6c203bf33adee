using Logistics.SharedKernel;

namespace Logistics.Requests.Domain;

/// <summary>
/// The warehouse's confirmation of the anti-static packaging (ANSI/ESD S541). Every field is required; a field left
/// out (null) or not confirmed refuses the shipment naming the field.
/// </summary>
/// <param name="EsdBagSealed">The part is inside a sealed ESD bag (must be true).</param>
/// <param name="SealedWith"><c>tape</c> or <c>label</c>; <c>staples</c> pierce the shielding layer and are refused.</param>
/// <param name="EsdSymbol">The bag carries the ESD symbol (must be true).</param>
/// <param name="PackageId">The id of the package, required.</param>
public sealed record EsdPackaging(bool? EsdBagSealed, string? SealedWith, bool? EsdSymbol, string? PackageId)
{
    public static readonly IReadOnlyList<string> AllowedSeals = ["tape", "label"];

    /// <summary>Checks every field and returns the packaging normalised (seal in lower case, package id trimmed).</summary>
    public static EsdPackaging Confirm(EsdPackaging? packaging)
    {
        if (packaging is null) throw new InvalidFieldException("packaging", "the ESD packaging confirmation is required");
        if (packaging.EsdBagSealed is not true)
            throw new InvalidFieldException("packaging.esd_bag_sealed", "the part must ship in a sealed ESD bag");
        var seal = packaging.SealedWith?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(seal)) throw new InvalidFieldException("packaging.sealed_with", "is required (tape or label)");
        if (!AllowedSeals.Contains(seal))
            throw new InvalidFieldException("packaging.sealed_with", $"'{seal}' is refused; an ESD bag is sealed with tape or label");
        if (packaging.EsdSymbol is not true)
            throw new InvalidFieldException("packaging.esd_symbol", "the bag must carry the ESD symbol");
        var packageId = Require.Code(packaging.PackageId, "packaging.package_id", 64);
        return new(true, seal, true, packageId);
    }
}

/// <summary>What the warehouse ships on a request.</summary>
public sealed record Shipment(
    IReadOnlyList<string> Serials, EsdPackaging Packaging, string Carrier, string TrackingNo, string ShippedBy, DateTimeOffset ShippedAt);

/// <summary>The swap recorded on site: the spare installed, the faulty part removed.</summary>
public sealed record Installation(string InstalledSerial, string RemovedSerial, string EquipmentId, string InstalledBy, DateTimeOffset InstalledAt);

/// <summary>What cancelling asks of inventory.</summary>
/// <param name="ReleaseReservation">The request was Reserved: its reservation must be released.</param>
/// <param name="WithdrawBackorder">The request was Backordered: its place in the backorder queue must be withdrawn.</param>
public sealed record Cancellation(bool ReleaseReservation, bool WithdrawBackorder);

/// <summary>A step in a request's life, kept in <see cref="PartRequest.History"/>.</summary>
public sealed record RequestTransition(RequestState From, RequestState To, string By, DateTimeOffset At, string Note = "");

/// <summary>The outcome of a reservation attempt reported by inventory.</summary>
public enum ReservationOutcome
{
    Reserved,
    Backordered,
}
