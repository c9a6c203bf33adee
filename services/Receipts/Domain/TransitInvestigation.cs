using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>Where a lost-in-transit investigation stands (docs/lost-in-transit.md).</summary>
public enum InvestigationState
{
    /// <summary>Nobody has signed for the shipment some time after its deliver-by.</summary>
    Open,
    /// <summary>Signed for late: the investigation closed itself.</summary>
    Found,
    /// <summary>A carrier claim is filed and a write-off proposed; a supervisor other than the proposer decides.</summary>
    LossProposed,
    /// <summary>Approved: the units are written off as lost (they leave transit).</summary>
    WrittenOff,
}

/// <summary>
/// The numbers of lost-in-transit investigations.
/// </summary>
/// <param name="GracePeriod">How long after its deliver-by a shipment nobody signed for opens an investigation. Two days:
/// carriers deliver a day late often enough that an earlier alarm would mostly be noise, and a part missing for two days
/// past its deadline has usually gone astray.</param>
/// <param name="ScanInterval">How often the job looks for overdue shipments.</param>
/// <param name="MaxNoteLength">The longest note (and carrier claim reference: 64 characters at most).</param>
public sealed record TransitPolicy(TimeSpan GracePeriod, TimeSpan ScanInterval, int MaxNoteLength)
{
    /// <summary>How long a transfer between centres may take on the road: its deliver-by is the shipping time plus this
    /// (the event carries no service level). Three days: centres ship to each other by road freight, not by courier.</summary>
    public TimeSpan TransferTransitAllowance { get; init; } = TimeSpan.FromDays(3);

    public static TransitPolicy Default { get; } = new(TimeSpan.FromDays(2), TimeSpan.FromMinutes(1), 1000);

    public const int MaxClaimReferenceLength = 64;
}

/// <summary>
/// A shipment to an engineer that nobody signed for in time. Opened → Found (signed for late, at any point before the
/// write-off) | LossProposed (a carrier claim reference, by a delivery manager or warehouse staff) → WrittenOff (a
/// supervisor, never the proposer). Every change is refused with the reason when it does not fit the state; a refused
/// change leaves the investigation as it was.
/// </summary>
public sealed class TransitInvestigation
{
    private TransitInvestigation(string investigationId, Shipment shipment, DateTimeOffset deliverBy, DateTimeOffset openedAt)
    {
        InvestigationId = investigationId;
        Shipment = shipment;
        DeliverBy = deliverBy;
        OpenedAt = openedAt;
    }

    public string InvestigationId { get; }
    public Shipment Shipment { get; }
    public DateTimeOffset DeliverBy { get; }
    public DateTimeOffset OpenedAt { get; }
    public InvestigationState State { get; private set; }
    public string? FoundReceiptId { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public string? CarrierClaimReference { get; private set; }
    public string? Note { get; private set; }
    public string? ProposedBy { get; private set; }
    public DateTimeOffset? ProposedAt { get; private set; }
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }

    public string Reference => Shipment.Reference;
    public bool IsOpen => State is InvestigationState.Open or InvestigationState.LossProposed;

    /// <summary>One investigation per shipment, so its id is made from the reference: two scans cannot open two.</summary>
    public static string IdFor(string reference) => "TI-" + reference;

    /// <summary>
    /// Whether a shipment is overdue enough to investigate: addressed to an engineer (a part sent out; returns have their
    /// own deadlines) or a transfer between centres, with a deliver-by, nothing signed on it (for a transfer: no receipt
    /// step on it), and more than the grace period past its deliver-by.
    /// </summary>
    public static bool IsOverdue(Shipment shipment, bool anythingSigned, DateTimeOffset now, TransitPolicy policy) =>
        (!shipment.AddressedTo.IsCentre || shipment.IsTransfer) && shipment.DeliverBy is { } deliverBy && !anythingSigned && now > deliverBy + policy.GracePeriod;

    public static TransitInvestigation Open(Shipment shipment, bool anythingSigned, DateTimeOffset now, TransitPolicy policy)
    {
        if (!IsOverdue(shipment, anythingSigned, now, policy))
            throw new RuleViolationException($"shipment {shipment.Reference} is not overdue: nothing to investigate");
        return new TransitInvestigation(IdFor(shipment.Reference), shipment, shipment.DeliverBy!.Value, now);
    }

    /// <summary>The shipment was signed for late: the investigation closes itself (also after a proposed loss).</summary>
    public void Found(string receiptId, DateTimeOffset now)
    {
        if (!IsOpen) throw new RuleViolationException($"investigation {InvestigationId} is {State}; only an open one can be found");
        State = InvestigationState.Found;
        FoundReceiptId = receiptId;
        ClosedAt = now;
    }

    /// <summary>A delivery manager or warehouse user files the carrier claim and proposes the write-off.</summary>
    public void ProposeLoss(string by, string? carrierClaimReference, string? note, DateTimeOffset now, TransitPolicy policy)
    {
        var claim = Require.Text(carrierClaimReference, "carrier_claim_reference", TransitPolicy.MaxClaimReferenceLength);
        var text = Require.OptionalText(note, "note", policy.MaxNoteLength);
        if (State != InvestigationState.Open)
            throw new RuleViolationException($"investigation {InvestigationId} is {State}; a loss can only be proposed while it is Open");
        State = InvestigationState.LossProposed;
        CarrierClaimReference = claim;
        Note = text;
        ProposedBy = by;
        ProposedAt = now;
    }

    /// <summary>A supervisor approves the write-off; the one who proposed it cannot (four eyes).</summary>
    public void ApproveWriteOff(string by, DateTimeOffset now)
    {
        if (State != InvestigationState.LossProposed)
            throw new RuleViolationException($"investigation {InvestigationId} is {State}; only a proposed loss can be written off");
        if (string.Equals(by, ProposedBy, StringComparison.Ordinal))
            throw new NotAllowedException($"{by} proposed the loss on {InvestigationId}; another supervisor must approve the write-off");
        State = InvestigationState.WrittenOff;
        ApprovedBy = by;
        ApprovedAt = now;
        ClosedAt = now;
    }

    /// <summary>Signing for a shipment written off as lost is refused: its units have left the books.</summary>
    public void RequireNotWrittenOff()
    {
        if (State == InvestigationState.WrittenOff)
            throw new RuleViolationException($"shipment {Reference} was written off as lost on {ApprovedAt:u} ({InvestigationId}); it cannot be signed for");
    }

    /// <summary>Rebuilds a stored investigation.</summary>
    public static TransitInvestigation Restore(
        string investigationId, Shipment shipment, DateTimeOffset deliverBy, DateTimeOffset openedAt, InvestigationState state, string? foundReceiptId,
        DateTimeOffset? closedAt, string? claim, string? note, string? proposedBy, DateTimeOffset? proposedAt, string? approvedBy, DateTimeOffset? approvedAt) =>
        new(investigationId, shipment, deliverBy, openedAt)
        {
            State = state, FoundReceiptId = foundReceiptId, ClosedAt = closedAt, CarrierClaimReference = claim, Note = note,
            ProposedBy = proposedBy, ProposedAt = proposedAt, ApprovedBy = approvedBy, ApprovedAt = approvedAt,
        };
}
