using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>
/// A signed handover (domain.md "Receipt"). Immutable once signed (invariant 6): nothing it records ever changes; the only
/// mark it can take later is <see cref="SupersededBy"/>, set when <see cref="Correct"/> makes the receipt that replaces it
/// (both stay readable: an altered arrival certificate is void, so it is never edited). No I/O and no clock: times and
/// what was shipped on the reference are passed in.
/// </summary>
public sealed class Receipt
{
    private Receipt(
        string receiptId, ReceiptKind kind, string reference, string handedOverBy, string receivedBy, DateTimeOffset signedAt,
        IReadOnlyList<string> serials, int quantity, PackagingCheck packaging, GoodsCondition condition, string note, bool deadOnArrival,
        IReadOnlyList<string> accepted, IReadOnlyList<ReceiptDiscrepancy> discrepancies, IReadOnlyList<string> outstanding,
        string? supersedes, string? correctedBy)
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
        Discrepancies = discrepancies;
        OutstandingSerials = outstanding;
        Supersedes = supersedes;
        CorrectedBy = correctedBy;
    }

    public string ReceiptId { get; }
    public ReceiptKind Kind { get; }
    public string Reference { get; }
    public string HandedOverBy { get; }

    /// <summary>The signer (from the token); on a correction, still the party that received the goods.</summary>
    public string ReceivedBy { get; }
    public DateTimeOffset SignedAt { get; }

    /// <summary>Every serial the signer declared, as declared.</summary>
    public IReadOnlyList<string> Serials { get; }
    public int Quantity { get; }
    public PackagingCheck Packaging { get; }
    public GoodsCondition Condition { get; }
    public string Note { get; }
    public bool DeadOnArrival { get; }

    /// <summary>Declared serials that were shipped on the reference: these are signed for.</summary>
    public IReadOnlyList<string> AcceptedSerials { get; }

    /// <summary>Declared serials not shipped on the reference.</summary>
    public IReadOnlyList<ReceiptDiscrepancy> Discrepancies { get; }

    /// <summary>Shipped serials of the reference not yet signed for after this receipt (the rest of a partial delivery).</summary>
    public IReadOnlyList<string> OutstandingSerials { get; }

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
    /// The addressed party signs for a handover. Serials not shipped on the reference are recorded as discrepancies;
    /// a serial already signed for is refused; a receipt with a problem is refused once the report window is over.
    /// </summary>
    public static Receipt Sign(
        string receiptId, ReceiptKind kind, string handedOverBy, string receivedBy, DateTimeOffset signedAt,
        ReceiptContent content, ExpectedHandover expected, ReceiptPolicy policy)
    {
        var signer = Require.Text(receivedBy, "received_by");
        var receipt = Build(receiptId, kind, handedOverBy, signer, signedAt, content, expected, expected.AlreadySignedSerials, policy, null, null);
        if (signer != expected.AddressedTo)
            throw new NotAllowedException($"the handover on {receipt.Reference} is addressed to {expected.AddressedTo}; {signer} cannot sign for it");
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
        var by = Require.Text(correctedBy, "corrected_by");
        if (!bySupervisor && by != ReceivedBy)
            throw new NotAllowedException($"receipt {ReceiptId} was signed by {ReceivedBy}; only they or a supervisor can correct it");
        if (SupersededBy is not null)
            throw new RuleViolationException($"receipt {ReceiptId} is superseded by {SupersededBy}; correct the latest receipt");
        if (expected.Reference != Reference)
            throw new InvalidFieldException("reference", $"'{expected.Reference}' is not the reference of receipt {ReceiptId} ({Reference})");
        if (newReceiptId == ReceiptId) throw new InvalidFieldException("receipt_id", "a correction needs a new receipt id");
        var alreadySigned = expected.AlreadySignedSerials.Except(AcceptedSerials, StringComparer.Ordinal).ToList();
        var corrected = Build(newReceiptId, Kind, HandedOverBy, ReceivedBy, at, content, expected, alreadySigned, policy, ReceiptId, by);
        if (!HasProblem) CheckReportWindow(corrected, expected, policy);
        SupersededBy = corrected.ReceiptId;
        SupersededAt = at;
        return corrected;
    }

    private static Receipt Build(
        string receiptId, ReceiptKind kind, string handedOverBy, string receivedBy, DateTimeOffset signedAt, ReceiptContent content,
        ExpectedHandover expected, IReadOnlyCollection<string> alreadySigned, ReceiptPolicy policy, string? supersedes, string? correctedBy)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(policy);
        var id = Require.Code(receiptId, "receipt_id", 64);
        if (!Enum.IsDefined(kind)) throw new InvalidFieldException("kind", $"'{kind}' is not a receipt kind");
        var reference = Require.Code(expected.Reference, "reference", 64);
        var handedOver = Require.Text(handedOverBy, "handed_over_by");
        var serials = Domain.Serials.CheckDistinct(content.Serials, "serials");
        if (content.Packaging is null) throw new InvalidFieldException("packaging", "the packaging check is required");
        if (!Enum.IsDefined(content.Condition)) throw new InvalidFieldException("condition", $"'{content.Condition}' is not a condition");
        if (content.Quantity < 0) throw new InvalidFieldException("quantity", $"must not be negative (was {content.Quantity})");
        if (content.Quantity == 0 && content.Condition != GoodsCondition.Missing)
            throw new InvalidFieldException("quantity", "must be greater than zero unless the goods are missing");
        if (serials.Count > 0 && serials.Count != content.Quantity)
            throw new InvalidFieldException("quantity", $"is {content.Quantity} but {serials.Count} serials are listed");
        var note = Require.OptionalText(content.Note, "note", policy.MaxNoteLength);

        var shipped = expected.ShippedSerials.ToHashSet(StringComparer.Ordinal);
        var signedBefore = alreadySigned.ToHashSet(StringComparer.Ordinal);
        var twice = serials.FirstOrDefault(signedBefore.Contains);
        if (twice is not null)
            throw new RuleViolationException($"serial {twice} on {reference} was already signed for; it cannot be signed for twice");
        var accepted = serials.Where(shipped.Contains).ToList();
        var discrepancies = serials.Where(s => !shipped.Contains(s))
            .Select(s => new ReceiptDiscrepancy(s, $"not shipped on {reference}")).ToList();
        var outstanding = expected.ShippedSerials.Where(s => !signedBefore.Contains(s) && !accepted.Contains(s)).ToList();

        return new Receipt(
            id, kind, reference, handedOver, receivedBy, signedAt, serials, content.Quantity, content.Packaging, content.Condition, note,
            content.DeadOnArrival, accepted, discrepancies, outstanding, supersedes, correctedBy);
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
