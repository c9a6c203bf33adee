using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>
/// A signed handover (docs/domain.md "Receipt"). Immutable once signed (invariant 6): nothing it records ever changes; the only
/// mark it can take later is <see cref="SupersededBy"/>, set when <see cref="Correct"/> makes the receipt that replaces it
/// (both stay readable: an altered arrival certificate is void, so it is never edited). No I/O and no clock: times and
/// what was shipped on the reference are passed in.
/// </summary>
public sealed class Receipt
{
    private Receipt(
        string receiptId, ReceiptKind kind, string reference, string handedOverBy, string receivedBy, DateTimeOffset signedAt,
        IReadOnlyList<string> serials, int quantity, PackagingCheck packaging, GoodsCondition condition, string note, bool deadOnArrival,
        IReadOnlyList<string> accepted, int acceptedQuantity, IReadOnlyList<ReceiptDiscrepancy> discrepancies, IReadOnlyList<string> missing,
        IReadOnlyList<string> outstanding, IReadOnlyList<string> newlySigned, int newlySignedQuantity, IReadOnlyList<string> withdrawn,
        string? supersedes, string? correctedBy, string? supersededBy, DateTimeOffset? supersededAt)
    {
        ReceiptId = receiptId;
        Kind = kind;
        Reference = reference;
        HandedOverBy = handedOverBy;
        ReceivedBy = receivedBy;
        SignedAt = signedAt;
        Serials = serials;
        Quantity = quantity;
        Packaging = packaging;
        Condition = condition;
        Note = note;
        DeadOnArrival = deadOnArrival;
        AcceptedSerials = accepted;
        AcceptedQuantity = acceptedQuantity;
        Discrepancies = discrepancies;
        MissingSerials = missing;
        OutstandingSerials = outstanding;
        NewlySignedSerials = newlySigned;
        NewlySignedQuantity = newlySignedQuantity;
        WithdrawnSerials = withdrawn;
        Supersedes = supersedes;
        CorrectedBy = correctedBy;
        SupersededBy = supersededBy;
        SupersededAt = supersededAt;
    }

    public string ReceiptId { get; }
    public ReceiptKind Kind { get; }
    public string Reference { get; }
    public string HandedOverBy { get; }

    /// <summary>The signer (from the token); on a correction, still the party that received the goods.</summary>
    public string ReceivedBy { get; }
    public DateTimeOffset SignedAt { get; }

    /// <summary>Every serial the signer declared, as declared (on a <c>missing</c> receipt: the serials that did not arrive).</summary>
    public IReadOnlyList<string> Serials { get; }
    public int Quantity { get; }
    public PackagingCheck Packaging { get; }
    public GoodsCondition Condition { get; }
    public string Note { get; }
    public bool DeadOnArrival { get; }

    /// <summary>Declared serials that were shipped on the reference: these are signed for (never on a <c>missing</c> receipt).</summary>
    public IReadOnlyList<string> AcceptedSerials { get; }

    /// <summary>Units signed for: the accepted serials, or for parts tracked by quantity the quantity (0 when missing).</summary>
    public int AcceptedQuantity { get; }

    /// <summary>Declared serials not shipped on the reference.</summary>
    public IReadOnlyList<ReceiptDiscrepancy> Discrepancies { get; }

    /// <summary>Shipped serials reported as not arrived (condition <c>missing</c>).</summary>
    public IReadOnlyList<string> MissingSerials { get; }

    /// <summary>
    /// Shipped serials of the reference not yet signed for after this receipt (the rest of a partial delivery). Serials
    /// reported missing stay outstanding: if they turn up they can still be signed for.
    /// </summary>
    public IReadOnlyList<string> OutstandingSerials { get; }

    /// <summary>Accepted serials that the superseded receipt had not accepted (all accepted serials on an original receipt).</summary>
    public IReadOnlyList<string> NewlySignedSerials { get; }

    /// <summary>
    /// Units this receipt newly signs for: the count of <see cref="NewlySignedSerials"/> for serialized parts; for parts
    /// tracked by quantity, the quantity, or on a correction the change from the superseded receipt (may be negative).
    /// </summary>
    public int NewlySignedQuantity { get; }

    /// <summary>Serials the superseded receipt had accepted and this one does not (empty on an original receipt).</summary>
    public IReadOnlyList<string> WithdrawnSerials { get; }

    /// <summary>The receipt this one corrects, if any.</summary>
    public string? Supersedes { get; }

    /// <summary>Who made this correction (the signer or a supervisor); null on an original receipt.</summary>
    public string? CorrectedBy { get; }

    public string? SupersededBy { get; private set; }
    public DateTimeOffset? SupersededAt { get; private set; }
    public bool IsSuperseded => SupersededBy is not null;

    /// <summary>Damaged or dead on arrival: a DOA claim must follow.</summary>
    public bool FlaggedForDoa => Condition == GoodsCondition.Damaged || DeadOnArrival;

    /// <summary>Anything found wrong on unboxing: a condition other than ok, dead on arrival, damaged packaging, a discrepancy.</summary>
    public bool HasProblem =>
        Condition != GoodsCondition.Ok || DeadOnArrival || !Packaging.OuterIntact || !Packaging.EsdBagSealed || Discrepancies.Count > 0;

    /// <summary>
    /// The addressed party signs for a handover of the kind shipped on the reference. Serials not shipped on the reference
    /// are recorded as discrepancies; a serial already signed for is refused; a receipt with a problem is refused once the
    /// report window is over.
    /// </summary>
    public static Receipt Sign(
        string receiptId, ReceiptKind kind, Signer signer, DateTimeOffset signedAt, ReceiptContent content, ExpectedHandover expected, ReceiptPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(expected);
        var by = Require.Text(signer.UserId, "received_by");
        var receipt = Build(receiptId, kind, expected.HandedOverBy, by, signedAt, content, expected, expected.AlreadySignedSerials, policy, null, null);
        var to = expected.AddressedTo;
        if (to.IsCentre && !signer.IsWarehouse)
            throw new NotAllowedException($"the handover on {receipt.Reference} is addressed to {to}; only warehouse staff can sign for it, not {by}");
        if (to.IsCentre && !signer.WorksFor(to.Party))
            throw new NotAllowedException($"warehouse user {by} does not work for centre {to.Party}, to which the handover on {receipt.Reference} is addressed");
        if (!to.IsCentre && by != to.Party)
            throw new NotAllowedException($"the handover on {receipt.Reference} is addressed to {to.Party}; {by} cannot sign for it");
        CheckReportWindow(receipt, expected, policy);
        return receipt;
    }

    /// <summary>
    /// Makes a new receipt that supersedes this one (which stays readable, marked with the new id). Only the signer or a
    /// supervisor corrects, and only the latest receipt of a chain. The corrected content is checked like a new receipt,
    /// except that this receipt's own serials do not count as already signed for; a problem not reported on this receipt
    /// is refused once the report window is over.
    /// </summary>
    public Receipt Correct(
        string newReceiptId, string correctedBy, bool bySupervisor, DateTimeOffset at, ReceiptContent content, ExpectedHandover expected, ReceiptPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var by = Require.Text(correctedBy, "corrected_by");
        if (!bySupervisor && by != ReceivedBy)
            throw new NotAllowedException($"receipt {ReceiptId} was signed by {ReceivedBy}; only they or a supervisor can correct it");
        if (SupersededBy is not null)
            throw new RuleViolationException($"receipt {ReceiptId} is superseded by {SupersededBy}; correct the latest receipt");
        if (expected.Reference != Reference)
            throw new InvalidFieldException("reference", $"'{expected.Reference}' is not the reference of receipt {ReceiptId} ({Reference})");
        if (newReceiptId == ReceiptId) throw new InvalidFieldException("receipt_id", "a correction needs a new receipt id");
        var alreadySigned = expected.AlreadySignedSerials.Except(AcceptedSerials, StringComparer.Ordinal).ToList();
        var corrected = Build(newReceiptId, Kind, HandedOverBy, ReceivedBy, at, content, expected, alreadySigned, policy, this, by);
        if (!HasProblem) CheckReportWindow(corrected, expected, policy);
        SupersededBy = corrected.ReceiptId;
        SupersededAt = at;
        return corrected;
    }

    /// <summary>A receipt as it was stored when signed (nothing is checked again: it was checked when signed).</summary>
    public static Receipt Restore(
        string receiptId, ReceiptKind kind, string reference, string handedOverBy, string receivedBy, DateTimeOffset signedAt,
        IReadOnlyList<string> serials, int quantity, PackagingCheck packaging, GoodsCondition condition, string note, bool deadOnArrival,
        IReadOnlyList<string> acceptedSerials, int acceptedQuantity, IReadOnlyList<ReceiptDiscrepancy> discrepancies, IReadOnlyList<string> missingSerials,
        IReadOnlyList<string> outstandingSerials, IReadOnlyList<string> newlySignedSerials, int newlySignedQuantity, IReadOnlyList<string> withdrawnSerials,
        string? supersedes, string? correctedBy, string? supersededBy, DateTimeOffset? supersededAt) =>
        new(receiptId, kind, reference, handedOverBy, receivedBy, signedAt, serials, quantity, packaging, condition, note, deadOnArrival,
            acceptedSerials, acceptedQuantity, discrepancies, missingSerials, outstandingSerials, newlySignedSerials, newlySignedQuantity, withdrawnSerials,
            supersedes, correctedBy, supersededBy, supersededAt);

    private static Receipt Build(
        string receiptId, ReceiptKind kind, string handedOverBy, string receivedBy, DateTimeOffset signedAt, ReceiptContent content,
        ExpectedHandover expected, IReadOnlyCollection<string> alreadySigned, ReceiptPolicy policy, Receipt? superseded, string? correctedBy)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(policy);
        var id = Require.Code(receiptId, "receipt_id", 64);
        if (!Enum.IsDefined(kind)) throw new InvalidFieldException("kind", $"'{kind}' is not a receipt kind");
        var reference = Require.Code(expected.Reference, "reference", 64);
        if (kind != expected.Kind)
            throw new InvalidFieldException("kind", $"the handover on {reference} is {expected.Kind.Code()}, not {kind.Code()}");
        var handedOver = Require.Text(handedOverBy, "handed_over_by");
        var serials = SharedKernel.Serials.CheckDistinct(content.Serials, "serials");
        if (content.Packaging is null) throw new InvalidFieldException("packaging", "the packaging check is required");
        if (!Enum.IsDefined(content.Condition)) throw new InvalidFieldException("condition", $"'{content.Condition}' is not a condition");
        var missing = content.Condition == GoodsCondition.Missing;
        Quantities.CheckCounted(content.Quantity, "quantity");
        if (content.Quantity == 0 && !missing)
            throw new InvalidFieldException("quantity", "must be greater than zero unless the goods are missing");
        // On a missing receipt the quantity counts the units that did not arrive; 0 is also taken (nothing arrived).
        if (serials.Count > 0 && serials.Count != content.Quantity && !(missing && content.Quantity == 0))
            throw new InvalidFieldException("quantity", $"is {content.Quantity} but {serials.Count} serials are listed");
        // Serialized parts are signed for unit by unit; only "everything is missing" (quantity 0) may leave the serials out.
        if (expected.Serialized && serials.Count == 0 && !(missing && content.Quantity == 0))
            throw new InvalidFieldException("serials", missing
                ? $"the handover on {reference} is of serialized parts; list the serials that did not arrive (or none, with quantity 0, when nothing arrived)"
                : $"the handover on {reference} is of serialized parts; list the serials received");
        var note = Require.OptionalText(content.Note, "note", policy.MaxNoteLength);

        var shipped = expected.ShippedSerials.ToHashSet(StringComparer.Ordinal);
        var signedBefore = alreadySigned.ToHashSet(StringComparer.Ordinal);
        List<string> accepted;
        List<ReceiptDiscrepancy> discrepancies;
        List<string> missingSerials;
        if (missing)
        {
            var notShipped = serials.FirstOrDefault(s => !shipped.Contains(s));
            if (notShipped is not null)
                throw new InvalidFieldException("serials", $"serial {notShipped} was not shipped on {reference}; only shipped serials can be reported missing");
            var arrived = serials.FirstOrDefault(signedBefore.Contains);
            if (arrived is not null)
                throw new RuleViolationException($"serial {arrived} on {reference} was already signed for; it cannot be reported missing");
            accepted = [];
            discrepancies = [];
            missingSerials = serials.Count > 0 ? [.. serials] : expected.ShippedSerials.Where(s => !signedBefore.Contains(s)).ToList();
        }
        else
        {
            var twice = serials.FirstOrDefault(signedBefore.Contains);
            if (twice is not null)
                throw new RuleViolationException($"serial {twice} on {reference} was already signed for; it cannot be signed for twice");
            accepted = serials.Where(shipped.Contains).ToList();
            discrepancies = serials.Where(s => !shipped.Contains(s)).Select(s => new ReceiptDiscrepancy(s, $"not shipped on {reference}")).ToList();
            missingSerials = [];
        }
        var outstanding = expected.ShippedSerials.Where(s => !signedBefore.Contains(s) && !accepted.Contains(s)).ToList();

        // Parts tracked by quantity sign for the quantity; serials declared on such a handover were never shipped (discrepancies).
        var acceptedQuantity = expected.Serialized ? accepted.Count : serials.Count == 0 && !missing ? content.Quantity : 0;
        var acceptedBefore = superseded?.AcceptedSerials ?? [];
        var newlySigned = accepted.Except(acceptedBefore, StringComparer.Ordinal).ToList();
        var withdrawn = acceptedBefore.Except(accepted, StringComparer.Ordinal).ToList();
        var newlySignedQuantity = expected.Serialized ? newlySigned.Count : acceptedQuantity - (superseded?.AcceptedQuantity ?? 0);

        return new Receipt(
            id, kind, reference, handedOver, receivedBy, signedAt, serials, content.Quantity, content.Packaging, content.Condition, note,
            content.DeadOnArrival, accepted, acceptedQuantity, discrepancies, missingSerials, outstanding, newlySigned, newlySignedQuantity, withdrawn,
            superseded?.ReceiptId, correctedBy, null, null);
    }

    private static void CheckReportWindow(Receipt receipt, ExpectedHandover expected, ReceiptPolicy policy)
    {
        var deadline = expected.DeliveredAt + policy.ProblemReportWindow;
        if (receipt.HasProblem && receipt.SignedAt > deadline)
            throw new RuleViolationException(
                $"problems with {receipt.Reference} must be reported within {policy.ProblemReportWindow.TotalDays:0.##} days of delivery " +
                $"(delivered {expected.DeliveredAt:u}, deadline {deadline:u}, signed {receipt.SignedAt:u})");
    }
}
