using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>Who hands over to whom (docs/domain.md "Receipt").</summary>
public enum ReceiptKind
{
    /// <summary><c>centre-to-engineer</c>: a spare delivered.</summary>
    CentreToEngineer,
    /// <summary><c>engineer-to-centre</c>: a faulty or unused part returned.</summary>
    EngineerToCentre,
    /// <summary><c>carrier-to-site</c>: a DOA replacement.</summary>
    CarrierToSite,
    /// <summary><c>supplier-to-centre</c>: goods in.</summary>
    SupplierToCentre,
    /// <summary><c>centre-to-centre</c>: a transfer between centres; inventory receives it, nobody signs for it here.</summary>
    CentreToCentre,
}

/// <summary>The condition of the goods found on unboxing.</summary>
public enum GoodsCondition
{
    Ok,
    Damaged,
    WrongPart,
    Missing,
}

/// <summary>The wire codes of <see cref="ReceiptKind"/> and <see cref="GoodsCondition"/>.</summary>
public static class ReceiptCodes
{
    private static readonly Dictionary<string, ReceiptKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        [ReceiptKinds.CentreToEngineer] = ReceiptKind.CentreToEngineer,
        [ReceiptKinds.EngineerToCentre] = ReceiptKind.EngineerToCentre,
        [ReceiptKinds.CarrierToSite] = ReceiptKind.CarrierToSite,
        [ReceiptKinds.SupplierToCentre] = ReceiptKind.SupplierToCentre,
        [ReceiptKinds.CentreToCentre] = ReceiptKind.CentreToCentre,
    };

    private static readonly Dictionary<string, GoodsCondition> Conditions = new(StringComparer.OrdinalIgnoreCase)
    {
        [GoodsConditions.Ok] = GoodsCondition.Ok,
        [GoodsConditions.Damaged] = GoodsCondition.Damaged,
        [GoodsConditions.WrongPart] = GoodsCondition.WrongPart,
        [GoodsConditions.Missing] = GoodsCondition.Missing,
    };

    public static ReceiptKind ParseKind(string? code) =>
        Kinds.TryGetValue(code?.Trim() ?? "", out var kind)
            ? kind
            : throw new InvalidFieldException("kind", $"'{code}' is not a receipt kind ({string.Join(", ", Kinds.Keys)})");

    public static GoodsCondition ParseCondition(string? code) =>
        Conditions.TryGetValue(code?.Trim() ?? "", out var condition)
            ? condition
            : throw new InvalidFieldException("condition", $"'{code}' is not a condition ({string.Join(", ", Conditions.Keys)})");

    public static string Code(this ReceiptKind kind) => Kinds.First(k => k.Value == kind).Key;

    public static string Code(this GoodsCondition condition) => Conditions.First(c => c.Value == condition).Key;
}

/// <summary>The packaging as found: outer box intact, ESD bag still sealed.</summary>
public sealed record PackagingCheck(bool OuterIntact, bool EsdBagSealed);

/// <summary>
/// The party a handover is addressed to: one engineer (only they sign) or a spare-part centre (warehouse staff who work
/// for that centre sign).
/// </summary>
/// <param name="Party">The engineer's user id, or the centre id.</param>
public sealed record Addressee(string Party, bool IsCentre)
{
    public static Addressee Engineer(string userId) => new(userId, false);

    public static Addressee Centre(string centreId) => new(centreId, true);

    public override string ToString() => IsCentre ? $"centre {Party}" : Party;
}

/// <summary>
/// Who signs (from the token): the user, whether they are warehouse staff (who sign for a centre), and the centres they
/// work for (null: every centre, for a token with a role that is not bound to centres).
/// </summary>
public sealed record Signer(string UserId, bool IsWarehouse = false, IReadOnlySet<string>? Centres = null)
{
    public bool WorksFor(string centreId) => Centres is null || Centres.Contains(centreId);
}

/// <summary>
/// What the receipt is checked against, looked up by the caller for the reference (facts passed in).
/// </summary>
/// <param name="Reference">The request or return id.</param>
/// <param name="Kind">The kind of handover shipped on the reference: a receipt must be of this kind.</param>
/// <param name="AddressedTo">The party the goods are addressed to: the only one who may sign.</param>
/// <param name="HandedOverBy">Who handed the goods over (the shipper).</param>
/// <param name="DeliveredAt">When the goods were delivered (the problem-report window runs from here).</param>
/// <param name="ShippedSerials">Serials shipped on this reference (none for parts tracked by quantity).</param>
/// <param name="AlreadySignedSerials">Serials of this reference already signed for on current (not superseded) receipts.</param>
public sealed record ExpectedHandover(
    string Reference, ReceiptKind Kind, Addressee AddressedTo, string HandedOverBy, DateTimeOffset DeliveredAt,
    IReadOnlyCollection<string> ShippedSerials, IReadOnlyCollection<string> AlreadySignedSerials)
{
    /// <summary>Parts tracked unit by unit: the receipt must name the serials.</summary>
    public bool Serialized => ShippedSerials.Count > 0;
}

/// <summary>What the signer declares on a receipt (or on its correction).</summary>
/// <param name="Serials">The serials received; on a receipt of condition <c>missing</c>, the shipped serials that did NOT arrive
/// (none listed with quantity 0: everything still outstanding is missing).</param>
/// <param name="DeadOnArrival">The unit failed its power-on check on unboxing (flags a DOA claim, like damaged).</param>
public sealed record ReceiptContent(
    IReadOnlyCollection<string>? Serials, int Quantity, PackagingCheck? Packaging, GoodsCondition Condition, string? Note, bool DeadOnArrival = false);

/// <summary>A serial received that was not shipped on the reference: recorded, never silently accepted.</summary>
public sealed record ReceiptDiscrepancy(string Serial, string Problem);

/// <summary>Settings of receipts (defaults in <see cref="Default"/>).</summary>
/// <param name="ProblemReportWindow">Problems must be reported within this time of delivery (default 3 calendar days: weekends and holidays count, docs/time.md).</param>
/// <param name="MaxNoteLength">Longest note (default 1000 characters).</param>
public sealed record ReceiptPolicy(TimeSpan ProblemReportWindow, int MaxNoteLength)
{
    public static ReceiptPolicy Default { get; } = new(TimeSpan.FromDays(3), 1000);
}
