using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>What the swap tells returns (the PartInstalled event).</summary>
public sealed record SwapFacts(
    string RequestId, string CentreId, string PartNumber, string EngineerId, string SiteId, string TicketId, string EquipmentId,
    string InstalledSerial, string RemovedSerial, DateTimeOffset DeliveredAt, DateTimeOffset InstalledAt);

/// <summary>What an approved DOA claim tells returns (the DoaClaimApproved event).</summary>
public sealed record DeadUnitFacts(
    string ClaimId, string RequestId, string Serial, string CentreId, string PartNumber, string SiteId, string TicketId,
    string EngineerId, string ApprovedBy, DateTimeOffset ApprovedAt);

/// <summary>The centre's signed receipt of the returned part (the ReceiptSigned event of kind engineer-to-centre).</summary>
/// <param name="Serials">The serials the receipt newly signs for.</param>
public sealed record ReturnReceipt(
    string ReceiptId, string SignedBy, DateTimeOffset SignedAt, IReadOnlyList<string> Serials, bool OuterIntact, bool EsdBagSealed);

/// <summary>
/// A faulty part on its way back to the centre (docs/domain.md "Faulty-part return"; states in <see cref="ReturnState"/>).
/// A plain class over a <see cref="FaultyReturnSnapshot"/>: each command checks everything first (the person, the state,
/// then the fields) and then changes the return, or throws and changes nothing. No I/O and no clock: times are passed in.
/// Every change adds a <see cref="ReturnStep"/> to <see cref="History"/>; <see cref="NewSteps"/> are those since it was
/// opened or restored, which the store publishes.
/// </summary>
public sealed class FaultyReturn
{
    public const int MaxNoteLength = 1000;

    private FaultyReturnSnapshot _s;
    private readonly int _savedSteps;

    /// <summary>Steps put in among the saved ones (a late replacement shipment, never published): not new.</summary>
    private int _insertedAmongSaved;

    private FaultyReturn(FaultyReturnSnapshot snapshot, int savedSteps)
    {
        _s = snapshot;
        _savedSteps = savedSteps;
    }

    public string ReturnId => _s.ReturnId;
    public ReturnKind Kind => _s.Kind;
    public string RequestId => _s.RequestId;
    public string DoaClaimId => _s.DoaClaimId;
    public string EngineerId => _s.EngineerId;
    public string CentreId => _s.CentreId;
    public string PartNumber => _s.PartNumber;
    public string Serial => _s.Serial;
    public string ReplacementSerial => _s.ReplacementSerial;
    public string EquipmentId => _s.EquipmentId;
    public string TicketId => _s.TicketId;
    public string SiteId => _s.SiteId;
    public string OpenedBy => _s.OpenedBy;
    public DateTimeOffset OpenedAt => _s.OpenedAt;
    public DateTimeOffset ClockStartedAt => _s.ClockStartedAt;
    public DateTimeOffset DueAt => _s.DueAt;
    public DateTimeOffset UnreturnedAt => _s.UnreturnedAt;
    public ReturnState State => _s.State;
    public bool Overdue => _s.Overdue;
    public bool Escalated => _s.Escalated;
    public bool Unreturned => _s.Unreturned;
    public Packing? Packing => _s.Packing;
    public FaultTag? FaultTag => _s.Packing?.FaultTag;
    public string Carrier => _s.Carrier;
    public string TrackingNo => _s.TrackingNo;
    public string ShippedBy => _s.ShippedBy;
    public DateTimeOffset? ShippedAt => _s.ShippedAt;
    public string ReceiptId => _s.ReceiptId;
    public string ReceivedBy => _s.ReceivedBy;
    public DateTimeOffset? ReceivedAt => _s.ReceivedAt;

    /// <summary>The part arrived outside an intact, sealed ESD bag: received, but flagged against the engineer.</summary>
    public bool EsdNonCompliant => _s.EsdNonCompliant;
    public InspectionResult? InspectionResult => _s.InspectionResult;
    public string InspectionBin => _s.InspectionBin;
    public string InspectionNote => _s.InspectionNote;
    public string InspectedBy => _s.InspectedBy;
    public DateTimeOffset? InspectedAt => _s.InspectedAt;
    public IReadOnlyList<ReturnStep> History => _s.History;

    /// <summary>F006 for a swap, F003 for a DOA dead unit: the code the fault tag must carry.</summary>
    public string ExpectedCategoryCode => ReturnCodes.ExpectedCategoryCode(Kind);

    /// <summary>Still with the engineer or the carrier: the deadlines apply.</summary>
    public bool IsOutstanding => State is ReturnState.Open or ReturnState.Packed or ReturnState.Shipped;

    /// <summary>The steps taken since the return was opened or restored (what a save publishes).</summary>
    public IReadOnlyList<ReturnStep> NewSteps => _s.History.Skip(_savedSteps + _insertedAmongSaved).ToList();

    public FaultyReturnSnapshot ToSnapshot() => _s;

    public static FaultyReturn Restore(FaultyReturnSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new FaultyReturn(snapshot, snapshot.History.Count);
    }

    /// <summary>The swap opens the return of the removed part: due <see cref="ReturnPolicy.SwapReturnWithin"/> after the replacement was signed for.</summary>
    public static FaultyReturn OpenForSwap(SwapFacts facts, ReturnPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var requestId = Require.Code(facts.RequestId, "request_id", 64);
        var removed = Serials.Check(facts.RemovedSerial, "removed_serial");
        var installed = Serials.Check(facts.InstalledSerial, "installed_serial");
        if (removed == installed) throw new InvalidFieldException("removed_serial", $"'{removed}' is also the installed serial");
        var engineer = Require.Text(facts.EngineerId, "engineer_id");
        var (due, unreturned) = policy.Deadlines(ReturnKind.Swap, facts.DeliveredAt);
        var snapshot = new FaultyReturnSnapshot
        {
            ReturnId = ReturnIds.ForSwap(requestId),
            Kind = ReturnKind.Swap,
            RequestId = requestId,
            EngineerId = engineer,
            CentreId = Require.Code(facts.CentreId, "centre_id"),
            PartNumber = Require.Code(facts.PartNumber, "part_number", 64),
            Serial = removed,
            ReplacementSerial = installed,
            EquipmentId = Require.OptionalText(facts.EquipmentId, "equipment_id", 64),
            TicketId = Require.OptionalText(facts.TicketId, "ticket_id", 64),
            SiteId = Require.OptionalText(facts.SiteId, "site_id", 64),
            OpenedBy = engineer,
            OpenedAt = facts.InstalledAt,
            ClockStartedAt = facts.DeliveredAt,
            DueAt = due,
            UnreturnedAt = unreturned,
            History = [new ReturnStep(ReturnSteps.Opened, ReturnState.Open, engineer, facts.InstalledAt, $"swap on {requestId}")],
        };
        return new FaultyReturn(snapshot, 0);
    }

    /// <summary>
    /// An approved DOA claim opens the return of the dead unit: due <see cref="ReturnPolicy.DeadUnitReturnWithin"/> after the
    /// replacement ships; until that shipment is known (<see cref="StartDeadUnitClock"/>), counted from the approval.
    /// </summary>
    public static FaultyReturn OpenForDeadUnit(DeadUnitFacts facts, ReturnPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var claimId = Require.Code(facts.ClaimId, "claim_id", 64);
        var approvedBy = Require.Text(facts.ApprovedBy, "approved_by");
        var (due, unreturned) = policy.Deadlines(ReturnKind.DeadUnit, facts.ApprovedAt);
        var snapshot = new FaultyReturnSnapshot
        {
            ReturnId = ReturnIds.ForDeadUnit(claimId),
            Kind = ReturnKind.DeadUnit,
            RequestId = string.IsNullOrWhiteSpace(facts.RequestId) ? "" : Require.Code(facts.RequestId, "request_id", 64),
            DoaClaimId = claimId,
            EngineerId = Require.Text(facts.EngineerId, "engineer_id"),
            CentreId = Require.Code(facts.CentreId, "centre_id"),
            PartNumber = Require.Code(facts.PartNumber, "part_number", 64),
            Serial = Serials.Check(facts.Serial, "serial"),
            TicketId = Require.OptionalText(facts.TicketId, "ticket_id", 64),
            SiteId = Require.OptionalText(facts.SiteId, "site_id", 64),
            OpenedBy = approvedBy,
            OpenedAt = facts.ApprovedAt,
            ClockStartedAt = facts.ApprovedAt,
            DueAt = due,
            UnreturnedAt = unreturned,
            History = [new ReturnStep(ReturnSteps.Opened, ReturnState.Open, approvedBy, facts.ApprovedAt, $"DOA claim {claimId} approved")],
        };
        return new FaultyReturn(snapshot, 0);
    }

    /// <summary>
    /// The dead unit's replacement shipped: the deadlines run from the shipment (<see cref="ReturnPolicy"/>), and the
    /// replacement's serial is recorded. A flag whose deadline moved past <paramref name="now"/> is lowered again (an
    /// escalation stays: it happened). Returns false when nothing changes (the same shipment again).
    /// Order-independent: the shipment event may reach returns after the dead unit was already shipped back or received
    /// (events of different topics are not ordered). It then still records the same facts (the flags of a return no
    /// longer outstanding stay as they are), and its history step takes its place by time, with the state of that moment,
    /// so the return ends the same whichever came first.
    /// </summary>
    public bool StartDeadUnitClock(DateTimeOffset shippedAt, string? replacementSerial, ReturnPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Kind != ReturnKind.DeadUnit)
            throw new RuleViolationException($"return {ReturnId} is the return of a swap; only a dead unit's deadline runs from its replacement's shipment");
        var serial = string.IsNullOrWhiteSpace(replacementSerial) ? ReplacementSerial : Serials.Check(replacementSerial, "replacement_serial");
        if (shippedAt == ClockStartedAt && serial == ReplacementSerial) return false;

        var (due, unreturned) = policy.Deadlines(ReturnKind.DeadUnit, shippedAt);
        _s = _s with
        {
            ReplacementSerial = serial,
            ClockStartedAt = shippedAt,
            DueAt = due,
            UnreturnedAt = unreturned,
            Overdue = Overdue && (!IsOutstanding || now > due),
            Unreturned = Unreturned && (!IsOutstanding || now > unreturned),
        };
        // The history is in time order: a late shipment goes before the steps that happened after it.
        var place = _s.History.TakeWhile(h => h.At <= shippedAt).Count();
        var stateThen = place == 0 ? State : _s.History[place - 1].State;
        var step = new ReturnStep(ReturnHistorySteps.Rescheduled, stateThen, ReturnActors.System, shippedAt, $"replacement shipped; due {due:u}");
        if (place < _savedSteps + _insertedAmongSaved) _insertedAmongSaved++;
        _s = _s with { History = [.. _s.History.Take(place), step, .. _s.History.Skip(place)] };
        return true;
    }

    /// <summary>Whether this caller may read the return: warehouse and supervisors see every return, an engineer only their own.</summary>
    public void EnsureVisibleTo(string userId, bool seesEveryReturn)
    {
        if (!seesEveryReturn && userId != EngineerId)
            throw new NotAllowedException($"return {ReturnId} is held by another engineer; an engineer sees only their own returns");
    }

    /// <summary>
    /// The engineer holding the part confirms the packing (<see cref="PackingEntry"/>): Open → Packed. The fault tag must
    /// name this return's request or DOA claim, part number and serial, and carry <see cref="ExpectedCategoryCode"/>.
    /// </summary>
    public void Pack(string engineerId, PackingEntry? entry, DateTimeOffset at)
    {
        var by = OnlyTheHolder(engineerId, "pack");
        if (State != ReturnState.Open)
            throw new RuleViolationException($"return {ReturnId} is {State}; only an Open return can be packed");
        var packing = PackingRules.Confirm(entry,
            new PackingExpectation(ReturnId, RequestId, DoaClaimId, PartNumber, Serial, TicketId, ExpectedCategoryCode), by, at);
        _s = _s with { Packing = packing, State = ReturnState.Packed };
        Record(ReturnSteps.Packed, by, at, $"sealed with {packing.SealedWith}, tag {packing.FaultTag.CategoryCode}");
    }

    /// <summary>The engineer hands the packed part to a carrier: Packed → Shipped. Refused until the packing is confirmed.</summary>
    public void Ship(string engineerId, string? carrier, string? trackingNo, DateTimeOffset at)
    {
        var by = OnlyTheHolder(engineerId, "ship");
        if (State == ReturnState.Open)
            throw new RuleViolationException($"return {ReturnId} is Open; pack it before shipping");
        if (State != ReturnState.Packed)
            throw new RuleViolationException($"return {ReturnId} is {State}; only a Packed return can be shipped");
        var carrierName = Require.Text(carrier, "carrier", 100);
        var tracking = Require.Code(trackingNo, "tracking_no", 64);
        _s = _s with { Carrier = carrierName, TrackingNo = tracking, ShippedBy = by, ShippedAt = at, State = ReturnState.Shipped };
        Record(ReturnSteps.Shipped, by, at, $"{carrierName} {tracking}");
    }

    /// <summary>
    /// The centre signed for the part: Shipped → Received. The receipt must sign for this return's serial. A part that
    /// arrived outside an intact, sealed ESD bag is received all the same and flagged <see cref="EsdNonCompliant"/>.
    /// </summary>
    public void Receive(ReturnReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (State != ReturnState.Shipped)
            throw new RuleViolationException($"return {ReturnId} is {State}; only a Shipped return can be received");
        var receiptId = Require.Code(receipt.ReceiptId, "receipt_id", 64);
        var signedBy = Require.Text(receipt.SignedBy, "signed_by");
        if (!receipt.Serials.Contains(Serial, StringComparer.Ordinal))
            throw new RuleViolationException(
                $"receipt {receiptId} signs for [{string.Join(", ", receipt.Serials)}], not serial {Serial} of return {ReturnId}");
        var nonCompliant = !(receipt.OuterIntact && receipt.EsdBagSealed);
        _s = _s with
        {
            ReceiptId = receiptId, ReceivedBy = signedBy, ReceivedAt = receipt.SignedAt, EsdNonCompliant = nonCompliant, State = ReturnState.Received,
        };
        Record(ReturnSteps.Received, signedBy, receipt.SignedAt,
            nonCompliant ? $"receipt {receiptId}; arrived outside an intact, sealed ESD bag: flagged against {EngineerId}" : $"receipt {receiptId}");
    }

    /// <summary>
    /// The warehouse inspects a received part: Received → Inspected → Closed in one step. A no-fault-found part goes back to
    /// a bin (required); the other results take no bin.
    /// </summary>
    public void Inspect(string inspectorId, string? result, string? bin, string? note, DateTimeOffset at)
    {
        var by = Require.Text(inspectorId, "inspected_by");
        if (Kind == ReturnKind.DeadUnit)
            throw new RuleViolationException($"return {ReturnId} is the dead unit of DOA claim {DoaClaimId}; inspect it through the claim (doa-claims/{DoaClaimId}:inspect)");
        if (State != ReturnState.Received)
            throw new RuleViolationException(State is ReturnState.Inspected or ReturnState.Closed
                ? $"return {ReturnId} was already inspected ({InspectionResult?.Code()})"
                : $"return {ReturnId} is {State}; it can be inspected only once the centre has received it");
        var outcome = ReturnCodes.ParseResult(result);
        var shelf = "";
        if (outcome == Domain.InspectionResult.NoFaultFound) shelf = Require.Code(bin, "bin", 64);
        else if (!string.IsNullOrWhiteSpace(bin))
            throw new InvalidFieldException("bin", $"only a no-fault-found part goes back to a bin; leave it empty for {outcome.Code()}");
        var text = Require.OptionalText(note, "note", MaxNoteLength);

        _s = _s with
        {
            InspectionResult = outcome, InspectionBin = shelf, InspectionNote = text, InspectedBy = by, InspectedAt = at, State = ReturnState.Inspected,
        };
        Record(ReturnSteps.Inspected, by, at, outcome.Code() + (shelf.Length > 0 ? $" into bin {shelf}" : ""));
        _s = _s with { State = ReturnState.Closed };
        Record(ReturnHistorySteps.Closed, by, at);
    }

    /// <summary>
    /// The DOA claim's inspection of its dead unit closes the dead-unit return (the stock was quarantined on receipt, so
    /// nothing moves). Returns false when there is nothing to do (not a dead unit, or already closed); refuses before receipt.
    /// </summary>
    public bool CloseOnDoaInspection(string? claimResult, string inspectorId, DateTimeOffset at)
    {
        if (Kind != ReturnKind.DeadUnit || State is ReturnState.Inspected or ReturnState.Closed) return false;
        if (State != ReturnState.Received)
            throw new RuleViolationException($"return {ReturnId} is {State}; the DOA inspection can close it only once the centre has received it");
        var outcome = claimResult switch
        {
            DoaInspectionResults.ConfirmedDoa => Domain.InspectionResult.ConfirmedFault,
            DoaInspectionResults.NoFaultFound => Domain.InspectionResult.NoFaultFound,
            _ => throw new InvalidFieldException("result", $"'{claimResult}' is not a DOA inspection result (confirmed-doa, no-fault-found)"),
        };
        var by = Require.Text(inspectorId, "inspected_by");
        _s = _s with { InspectionResult = outcome, InspectedBy = by, InspectedAt = at, State = ReturnState.Inspected };
        Record(ReturnSteps.Inspected, by, at, $"{claimResult} on DOA claim {DoaClaimId}");
        _s = _s with { State = ReturnState.Closed };
        Record(ReturnHistorySteps.Closed, by, at);
        return true;
    }

    /// <summary>
    /// The deadline check (run by the overdue job with its clock): a return not yet received becomes overdue once now is past
    /// its due date, is escalated to the supervisor the first time it is overdue, and is marked unreturned once now is past
    /// its unreturned date. Each flag is raised once; returns the steps taken now (none when nothing changed, so running it
    /// again changes nothing).
    /// </summary>
    public IReadOnlyList<string> MarkDeadlinesPassed(DateTimeOffset now)
    {
        var steps = new List<string>();
        if (!IsOutstanding) return steps;
        if (now > DueAt && !Overdue)
        {
            _s = _s with { Overdue = true };
            Record(ReturnSteps.Overdue, ReturnActors.System, now, $"due {DueAt:u}");
            steps.Add(ReturnSteps.Overdue);
        }
        if (Overdue && !Escalated)
        {
            _s = _s with { Escalated = true };
            Record(ReturnSteps.Escalated, ReturnActors.System, now, "escalated to the supervisor");
            steps.Add(ReturnSteps.Escalated);
        }
        if (now > UnreturnedAt && !Unreturned)
        {
            _s = _s with { Unreturned = true };
            Record(ReturnSteps.Unreturned, ReturnActors.System, now, $"not returned by {UnreturnedAt:u}: chargeable");
            steps.Add(ReturnSteps.Unreturned);
        }
        return steps;
    }

    private string OnlyTheHolder(string engineerId, string action)
    {
        var by = Require.Text(engineerId, "engineer_id");
        if (by != EngineerId)
            throw new NotAllowedException($"return {ReturnId} is held by engineer {EngineerId}; {by} cannot {action} a return that is not theirs");
        return by;
    }

    private void Record(string step, string by, DateTimeOffset at, string note = "") =>
        _s = _s with { History = [.. _s.History, new ReturnStep(step, State, by, at, note)] };
}
