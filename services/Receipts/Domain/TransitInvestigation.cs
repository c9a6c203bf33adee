using Logistics.SharedKernel;

namespace Logistics.Receipts.Domain;

/// <summary>Where a lost-in-transit investigation stands (docs/lost-in-transit.md).</summary>
public enum InvestigationState
{
    /// <summary>Units of the shipment are still not signed for (not received, for a transfer) some time after its deliver-by.</summary>
    Open,
    /// <summary>Every unit under investigation was signed for late: the investigation closed itself.</summary>
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
/// The units of a shipment not accounted for: shipped serials nobody signed for (a serial reported missing included), or
/// for a transfer the count inventory still holds in the sending centre's transit (received units and written-off ones
/// excluded; missing ones recorded by a final receipt included).
/// </summary>
public sealed record OutstandingUnits(IReadOnlyList<string> Serials, int Quantity)
{
    public static OutstandingUnits None { get; } = new([], 0);

    public bool IsEmpty => Quantity <= 0;

    /// <summary>Shipped serials not among <paramref name="signedSerials"/>.</summary>
    public static OutstandingUnits OfSerials(IEnumerable<string> shipped, IEnumerable<string> signedSerials)
    {
        var signed = signedSerials.ToHashSet(StringComparer.Ordinal);
        var left = shipped.Where(s => !signed.Contains(s)).ToList();
        return new OutstandingUnits(left, left.Count);
    }

    /// <summary>A count without serials (a transfer: inventory keeps them).</summary>
    public static OutstandingUnits OfQuantity(int quantity) => new([], Math.Max(quantity, 0));

    /// <summary>The units in both: what is still outstanding of an earlier set.</summary>
    public OutstandingUnits Intersect(OutstandingUnits still)
    {
        if (Serials.Count == 0) return OfQuantity(Math.Min(Quantity, still.Quantity));
        var left = Serials.Where(still.Serials.Contains).ToList();
        return new OutstandingUnits(left, left.Count);
    }
}

/// <summary>
/// Units of a shipment that nobody signed for in time: the whole shipment, or what is left of it after a partial
/// delivery or a report of units missing. Opened → Found (signed for late, at any point before the
/// write-off) | LossProposed (a carrier claim reference, by a delivery manager or warehouse staff) → WrittenOff (a
/// supervisor, never the proposer). Every change is refused with the reason when it does not fit the state; a refused
/// change leaves the investigation as it was.
/// </summary>
public sealed class TransitInvestigation
{
    private TransitInvestigation(string investigationId, Shipment shipment, OutstandingUnits units, DateTimeOffset deliverBy, DateTimeOffset openedAt)
    {
        InvestigationId = investigationId;
        Shipment = shipment;
        Units = units;
        DeliverBy = deliverBy;
        OpenedAt = openedAt;
    }

    public string InvestigationId { get; }
    public Shipment Shipment { get; }

    /// <summary>The units under investigation: what was outstanding when it opened, less what arrived since. A write-off takes these.</summary>
    public OutstandingUnits Units { get; private set; }
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
    /// own deadlines) or a transfer between centres, with a deliver-by, units still outstanding (nothing signed, a part
    /// of a delivery, units reported missing), and more than the grace period past its deliver-by.
    /// </summary>
    public static bool IsOverdue(Shipment shipment, OutstandingUnits outstanding, DateTimeOffset now, TransitPolicy policy) =>
        IsWatched(shipment) && !outstanding.IsEmpty && now > shipment.DeliverBy!.Value + policy.GracePeriod;

    /// <summary>Whether the watch looks at a shipment at all: to an engineer or between centres, with a deliver-by.</summary>
    public static bool IsWatched(Shipment shipment) =>
        (!shipment.AddressedTo.IsCentre || shipment.IsTransfer) && shipment.DeliverBy is not null;

    /// <summary>Opens the investigation of the units of <paramref name="shipment"/> still outstanding.</summary>
    public static TransitInvestigation Open(Shipment shipment, OutstandingUnits outstanding, DateTimeOffset now, TransitPolicy policy)
    {
        if (!IsOverdue(shipment, outstanding, now, policy))
            throw new RuleViolationException($"shipment {shipment.Reference} is not overdue: nothing to investigate");
        return new TransitInvestigation(IdFor(shipment.Reference), shipment, outstanding, shipment.DeliverBy!.Value, now);
    }

    /// <summary>
    /// Something arrived on the shipment (a receipt, a transfer's receipt step); <paramref name="stillOutstanding"/> is what
    /// is outstanding after it. Units under investigation that arrived leave it: when none is left it closes as found
    /// (also after a proposed loss), otherwise it goes on for the rest. Returns whether it changed: false when nothing
    /// under investigation arrived, or it is closed already.
    /// </summary>
    public bool Arrived(string foundBy, OutstandingUnits stillOutstanding, DateTimeOffset now)
    {
        if (!IsOpen) return false;
        var left = Units.Intersect(stillOutstanding);
        if (left.Quantity == Units.Quantity) return false;
        Units = left;
        if (!left.IsEmpty) return true;
        State = InvestigationState.Found;
        FoundReceiptId = foundBy;
        ClosedAt = now;
        return true;
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
        string investigationId, Shipment shipment, OutstandingUnits units, DateTimeOffset deliverBy, DateTimeOffset openedAt, InvestigationState state,
        string? foundReceiptId, DateTimeOffset? closedAt, string? claim, string? note, string? proposedBy, DateTimeOffset? proposedAt, string? approvedBy,
        DateTimeOffset? approvedAt) =>
        new(investigationId, shipment, units, deliverBy, openedAt)
        {
            State = state, FoundReceiptId = foundReceiptId, ClosedAt = closedAt, CarrierClaimReference = claim, Note = note,
            ProposedBy = proposedBy, ProposedAt = proposedAt, ApprovedBy = approvedBy, ApprovedAt = approvedAt,
        };
}
