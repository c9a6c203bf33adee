using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>
/// Where a DOA claim stands (docs/state-machines.md "DOA claim": <c>Filed → Approved | Rejected</c>; <c>Approved → ReplacementShipped →
/// ReplacementReceived → UnitReturned → Inspected → Closed</c>). The transitions, each made by one method of <see cref="DoaClaim"/>:
/// <list type="table">
/// <item><term>(none) → Filed</term><description><see cref="DoaClaim.File"/>, after <see cref="DoaEligibility"/>.</description></item>
/// <item><term>Filed → Approved | Rejected</term><description><see cref="DoaClaim.Approve"/>, <see cref="DoaClaim.Reject"/>: a delivery manager, never the filer.</description></item>
/// <item><term>Approved → ReplacementShipped → ReplacementReceived → UnitReturned</term><description>facts from other services:
/// <see cref="DoaClaim.RecordReplacementShipped"/>, <see cref="DoaClaim.RecordReplacementReceived"/>, <see cref="DoaClaim.RecordUnitReturned"/>.
/// Each fact is kept when it arrives, in any order; the state is the furthest step whose predecessors all hold, so an
/// early fact waits for the ones before it and the state then moves through every step, one transition each.</description></item>
/// <item><term>UnitReturned → Inspected → Closed</term><description><see cref="DoaClaim.Inspect"/>: Inspected is recorded and
/// published, and the claim closes at once (Inspected is never a resting state).</description></item>
/// </list>
/// Rejected and Closed are final.
/// </summary>
public enum DoaClaimState
{
    Filed,
    Approved,
    Rejected,
    ReplacementShipped,
    ReplacementReceived,
    UnitReturned,
    Inspected,
    Closed,
}

/// <summary>A step in a claim's life (published as DoaClaimChanged); <see cref="At"/> is when it happened (the fact's own time).</summary>
public sealed record DoaTransition(DoaClaimState? From, DoaClaimState To, string By, DateTimeOffset At, string Note = "")
{
    public string Step => DoaCodes.StepInto(To);
}

/// <summary>The replacement left the centre (part-request-shipped of the replacement request).</summary>
public sealed record ReplacementShipment(string Serial, string By, DateTimeOffset At);

/// <summary>The replacement was signed for on site (receipt-signed whose reference is the replacement request).</summary>
public sealed record ReplacementReceipt(string ReceiptId, string Serial, string By, DateTimeOffset At);

/// <summary>The dead unit arrived back at the centre (return-changed, step received, of the dead-unit return).</summary>
public sealed record DeadUnitReturn(string ReturnId, string By, DateTimeOffset At);

/// <summary>The warehouse's inspection of the returned dead unit.</summary>
public sealed record DeadUnitInspection(InspectionResult Result, string Note, string By, DateTimeOffset At);

/// <summary>
/// A dead-on-arrival claim (docs/domain.md "DOA claim"). A plain class: each command checks everything first and then changes
/// the claim, or throws and changes nothing. No I/O and no clock: times and facts (the delivery, earlier claims, events of
/// other services) are passed in. Who may call which command by role is checked by the API; the rules about the person
/// (an engineer files only for their own delivery, the filer never decides) are here. Every command returns the
/// transitions it made, in order (each is published as a DoaClaimChanged).
/// </summary>
public sealed class DoaClaim
{
    /// <summary>The replacement request's id is this prefix and the claim id (requests creates it with that id).</summary>
    public const string ReplacementRequestPrefix = "doa-";

    private readonly List<DoaTransition> _history = [];
    private readonly List<EvidenceFile> _evidence = [];

    private DoaClaim(string claimId, ValidDoaFiling filing, Delivery delivery, string ticketId, string filedBy, DateTimeOffset filedAt)
    {
        ClaimId = claimId;
        RequestId = delivery.RequestId;
        Serial = delivery.Serial;
        PartNumber = delivery.PartNumber;
        CentreId = delivery.CentreId;
        SiteId = delivery.SiteId;
        EngineerId = delivery.EngineerId;
        DeliveredAt = delivery.DeliveredAt;
        TicketId = ticketId;
        DetectedAt = filing.DetectedAt;
        DetectedOn = filing.DetectedOn;
        FirstPowerOnAt = filing.FirstPowerOnAt;
        Symptom = filing.Symptom;
        EvidenceRefs = filing.EvidenceRefs;
        Cause = filing.Cause;
        SiteAcceptedAt = filing.SiteAcceptedAt;
        FiledBy = filedBy;
        FiledAt = filedAt;
    }

    public string ClaimId { get; }
    public string RequestId { get; }
    public string Serial { get; }
    public string PartNumber { get; }
    public string CentreId { get; }
    public string SiteId { get; }

    /// <summary>The ticket of the request the unit came with, when known (empty otherwise).</summary>
    public string TicketId { get; }

    /// <summary>The engineer the unit was delivered to: gets the replacement and returns the dead unit.</summary>
    public string EngineerId { get; }
    public DateTimeOffset DeliveredAt { get; }
    public DetectionPoint DetectedAt { get; }
    public DateTimeOffset DetectedOn { get; }
    public DateTimeOffset? FirstPowerOnAt { get; }
    public string Symptom { get; }
    public IReadOnlyList<string> EvidenceRefs { get; }
    public DoaCause Cause { get; }
    public DateTimeOffset? SiteAcceptedAt { get; }
    public string FiledBy { get; }
    public DateTimeOffset FiledAt { get; }

    public DoaClaimState State { get; private set; } = DoaClaimState.Filed;

    /// <summary>Who approved or rejected, and when.</summary>
    public string? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public string? RejectionReason { get; private set; }

    /// <summary>Set on approval: "doa-" + the claim id.</summary>
    public string? ReplacementRequestId { get; private set; }

    public ReplacementShipment? ReplacementShipment { get; private set; }
    public ReplacementReceipt? ReplacementReceipt { get; private set; }
    public DeadUnitReturn? DeadUnitReturn { get; private set; }
    public DeadUnitInspection? Inspection { get; private set; }

    /// <summary>The replacement's serial: the one shipped, or (when the receipt came first) the one signed for.</summary>
    public string? ReplacementSerial => ReplacementShipment?.Serial is { Length: > 0 } shipped ? shipped : ReplacementReceipt?.Serial;

    public IReadOnlyList<DoaTransition> History => _history;

    /// <summary>The files uploaded for the claim, in the order they came.</summary>
    public IReadOnlyList<EvidenceFile> Evidence => _evidence;

    /// <summary>Not Rejected and not Closed.</summary>
    public bool IsOpen => State is not (DoaClaimState.Rejected or DoaClaimState.Closed);

    // ---------------------------------------------------------------- filing

    /// <summary>
    /// Files a claim: checks every field (<see cref="DoaFiling.Validate"/>), then eligibility against the unit's delivery and
    /// the claims filed before for it (<see cref="DoaEligibility.Check"/>). The claim copies the delivery's facts (request,
    /// part, centre, site, engineer, delivery time) so a later delivery of the serial does not change it.
    /// </summary>
    public static DoaClaim File(
        string? claimId, DoaFiling filing, Filer filer, Delivery? delivery, string? ticketId, IEnumerable<EarlierClaim> earlierClaims,
        DoaPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(filing);
        ArgumentNullException.ThrowIfNull(filer);
        var id = Require.Code(claimId, "claim_id", 64);
        var filedBy = Require.Text(filer.UserId, "filed_by");
        var valid = filing.Validate(now, policy);
        var delivered = DoaEligibility.Check(valid, filer with { UserId = filedBy }, delivery, earlierClaims, policy);
        var claim = new DoaClaim(id, valid, delivered, ticketId?.Trim() ?? "", filedBy, now);
        claim._history.Add(new DoaTransition(null, DoaClaimState.Filed, filedBy, now, valid.Cause.Code()));
        return claim;
    }

    // ---------------------------------------------------------------- decision

    /// <summary>
    /// A delivery manager other than the filer approves a Filed claim (invariant 7). The replacement request is
    /// "doa-" + the claim id. Facts that arrived before the approval move the claim on at once.
    /// </summary>
    public IReadOnlyList<DoaTransition> Approve(string? approverId, DateTimeOffset at)
    {
        var approver = Require.Text(approverId, "approved_by");
        ExpectFiled("approved");
        NotTheFiler(approver, "approve");
        var start = _history.Count;
        DecidedBy = approver;
        DecidedAt = at;
        ReplacementRequestId = ReplacementRequestPrefix + ClaimId;
        Move(DoaClaimState.Approved, approver, at, ReplacementRequestId);
        Advance();
        return _history.Skip(start).ToList();
    }

    /// <summary>A delivery manager other than the filer rejects a Filed claim, giving a reason.</summary>
    public IReadOnlyList<DoaTransition> Reject(string? rejecterId, string? reason, DateTimeOffset at, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var rejecter = Require.Text(rejecterId, "rejected_by");
        var why = Require.Text(reason, "reason", policy.MaxTextLength);
        ExpectFiled("rejected");
        NotTheFiler(rejecter, "reject");
        var start = _history.Count;
        DecidedBy = rejecter;
        DecidedAt = at;
        RejectionReason = why;
        Move(DoaClaimState.Rejected, rejecter, at, why);
        return _history.Skip(start).ToList();
    }

    // ---------------------------------------------------------------- evidence

    /// <summary>
    /// Adds an uploaded file (already checked by <see cref="EvidenceContent.Describe"/>). Evidence is for the decision, so
    /// only a Filed claim takes it; at most <see cref="DoaPolicy.MaxEvidenceFiles"/>; the same content twice is refused. A
    /// delivery manager adds to any claim, an engineer only to a claim they filed or whose unit was delivered to them.
    /// Not a step of the claim: no transition.
    /// </summary>
    public void AddEvidence(EvidenceFile file, Filer uploader, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(uploader);
        ArgumentNullException.ThrowIfNull(policy);
        if (!uploader.IsDeliveryManager && uploader.UserId != FiledBy && uploader.UserId != EngineerId)
            throw new NotAllowedException($"claim {ClaimId} is neither filed by {uploader.UserId} nor for a unit delivered to them");
        if (State != DoaClaimState.Filed)
            throw new RuleViolationException($"claim {ClaimId} is {State}; evidence is added while the claim is Filed, before the decision");
        if (_evidence.Count >= policy.MaxEvidenceFiles)
            throw new RuleViolationException($"claim {ClaimId} already has {_evidence.Count} evidence files, the most a claim keeps");
        if (_evidence.FirstOrDefault(e => e.Sha256 == file.Sha256) is { } same)
            throw new AlreadyExistsException($"file: {file.FileName} has the same content as {same.FileName} ({same.EvidenceId}), already on claim {ClaimId}");
        _evidence.Add(file);
    }

    // ---------------------------------------------------------------- facts from other services

    /// <summary>
    /// Requests shipped the replacement (<paramref name="serial"/>: the first serial shipped). Never refused: a fact already
    /// known is ignored (the first one stays), one that arrives early is kept until the claim gets there.
    /// </summary>
    public IReadOnlyList<DoaTransition> RecordReplacementShipped(string? serial, string? by, DateTimeOffset at)
    {
        if (ReplacementShipment is not null) return [];
        ReplacementShipment = new ReplacementShipment(serial?.Trim() ?? "", Who(by, "requests"), at);
        return AdvanceFrom(_history.Count);
    }

    /// <summary>The engineer signed for the replacement on site. Never refused (see <see cref="RecordReplacementShipped"/>).</summary>
    public IReadOnlyList<DoaTransition> RecordReplacementReceived(string? receiptId, string? serial, string? by, DateTimeOffset at)
    {
        if (ReplacementReceipt is not null) return [];
        ReplacementReceipt = new ReplacementReceipt(receiptId?.Trim() ?? "", serial?.Trim() ?? "", Who(by, "receipts"), at);
        return AdvanceFrom(_history.Count);
    }

    /// <summary>The dead unit's return was received at the centre. Never refused (see <see cref="RecordReplacementShipped"/>).</summary>
    public IReadOnlyList<DoaTransition> RecordUnitReturned(string? returnId, string? by, DateTimeOffset at)
    {
        if (DeadUnitReturn is not null) return [];
        DeadUnitReturn = new DeadUnitReturn(returnId?.Trim() ?? "", Who(by, "returns"), at);
        return AdvanceFrom(_history.Count);
    }

    // ---------------------------------------------------------------- inspection

    /// <summary>
    /// The warehouse inspects the returned dead unit (confirmed-doa | no-fault-found): UnitReturned → Inspected → Closed,
    /// two transitions. Refused before the dead unit is received.
    /// </summary>
    public IReadOnlyList<DoaTransition> Inspect(string? result, string? note, string? inspectorId, DateTimeOffset at, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var finding = DoaCodes.ParseResult(result);
        var text = Require.OptionalText(note, "note", policy.MaxTextLength);
        var inspector = Require.Text(inspectorId, "inspected_by");
        switch (State)
        {
            case DoaClaimState.UnitReturned:
                break;
            case DoaClaimState.Inspected or DoaClaimState.Closed:
                throw new RuleViolationException($"claim {ClaimId} was already inspected ({Inspection?.Result.Code()}) and is {State}");
            case DoaClaimState.Rejected:
                throw new RuleViolationException($"claim {ClaimId} is Rejected; only UnitReturned claims can be inspected");
            default:
                throw new RuleViolationException($"claim {ClaimId} is {State}: inspecting before the dead unit is received is refused");
        }
        var start = _history.Count;
        Inspection = new DeadUnitInspection(finding, text, inspector, at);
        Move(DoaClaimState.Inspected, inspector, at, finding.Code());
        Move(DoaClaimState.Closed, inspector, at, finding.Code());
        return _history.Skip(start).ToList();
    }

    // ---------------------------------------------------------------- persistence

    /// <summary>Everything the claim holds, for storing it.</summary>
    public DoaClaimRecord ToRecord() => new()
    {
        ClaimId = ClaimId, RequestId = RequestId, Serial = Serial, PartNumber = PartNumber, CentreId = CentreId, SiteId = SiteId,
        TicketId = TicketId, EngineerId = EngineerId, DeliveredAt = DeliveredAt, DetectedAt = DetectedAt, DetectedOn = DetectedOn,
        FirstPowerOnAt = FirstPowerOnAt, Symptom = Symptom, EvidenceRefs = [.. EvidenceRefs], Cause = Cause, SiteAcceptedAt = SiteAcceptedAt,
        FiledBy = FiledBy, FiledAt = FiledAt, State = State, DecidedBy = DecidedBy, DecidedAt = DecidedAt, RejectionReason = RejectionReason,
        ReplacementRequestId = ReplacementRequestId, ReplacementShipment = ReplacementShipment, ReplacementReceipt = ReplacementReceipt,
        DeadUnitReturn = DeadUnitReturn, Inspection = Inspection, History = [.. _history], Evidence = [.. _evidence],
    };

    /// <summary>A stored claim as it was (no rule is checked again: it was when the claim got there).</summary>
    public static DoaClaim Restore(DoaClaimRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var filing = new ValidDoaFiling(record.RequestId, record.Serial, record.DetectedAt, record.DetectedOn, record.FirstPowerOnAt,
            record.Symptom, [.. record.EvidenceRefs], record.Cause, record.SiteAcceptedAt);
        var delivery = new Delivery(record.Serial, record.RequestId, record.PartNumber, record.CentreId, record.SiteId, record.EngineerId,
            record.DeliveredAt, "");
        var claim = new DoaClaim(record.ClaimId, filing, delivery, record.TicketId, record.FiledBy, record.FiledAt)
        {
            State = record.State,
            DecidedBy = record.DecidedBy,
            DecidedAt = record.DecidedAt,
            RejectionReason = record.RejectionReason,
            ReplacementRequestId = record.ReplacementRequestId,
            ReplacementShipment = record.ReplacementShipment,
            ReplacementReceipt = record.ReplacementReceipt,
            DeadUnitReturn = record.DeadUnitReturn,
            Inspection = record.Inspection,
        };
        claim._history.AddRange(record.History);
        claim._evidence.AddRange(record.Evidence);
        return claim;
    }

    // ---------------------------------------------------------------- helpers

    private IReadOnlyList<DoaTransition> AdvanceFrom(int start)
    {
        Advance();
        return _history.Skip(start).ToList();
    }

    /// <summary>
    /// Moves an approved claim to the furthest step whose facts (and all before them) are known, one transition per step,
    /// each with its own fact's person and time. Filed, Rejected and later states than UnitReturned do not move here.
    /// </summary>
    private void Advance()
    {
        while (true)
        {
            switch (State)
            {
                case DoaClaimState.Approved when ReplacementShipment is { } shipped:
                    Move(DoaClaimState.ReplacementShipped, shipped.By, shipped.At, shipped.Serial);
                    continue;
                case DoaClaimState.ReplacementShipped when ReplacementReceipt is { } received:
                    Move(DoaClaimState.ReplacementReceived, received.By, received.At, received.ReceiptId);
                    continue;
                case DoaClaimState.ReplacementReceived when DeadUnitReturn is { } returned:
                    Move(DoaClaimState.UnitReturned, returned.By, returned.At, returned.ReturnId);
                    continue;
                default:
                    return;
            }
        }
    }

    private void ExpectFiled(string becoming)
    {
        if (State != DoaClaimState.Filed)
            throw new RuleViolationException($"claim {ClaimId} is {State}; only Filed claims can be {becoming}");
    }

    private void NotTheFiler(string who, string verb)
    {
        if (who == FiledBy)
            throw new NotAllowedException($"{who} filed claim {ClaimId} and cannot {verb} it; another delivery manager decides");
    }

    private static string Who(string? by, string fallback) => string.IsNullOrWhiteSpace(by) ? fallback : by.Trim();

    private void Move(DoaClaimState to, string by, DateTimeOffset at, string note = "")
    {
        _history.Add(new DoaTransition(State, to, by, at, note));
        State = to;
    }
}

/// <summary>A claim as stored (a JSON document): every field and fact of <see cref="DoaClaim"/>, and its history.</summary>
public sealed class DoaClaimRecord
{
    public string ClaimId { get; init; } = "";
    public string RequestId { get; init; } = "";
    public string Serial { get; init; } = "";
    public string PartNumber { get; init; } = "";
    public string CentreId { get; init; } = "";
    public string SiteId { get; init; } = "";
    public string TicketId { get; init; } = "";
    public string EngineerId { get; init; } = "";
    public DateTimeOffset DeliveredAt { get; init; }
    public DetectionPoint DetectedAt { get; init; }
    public DateTimeOffset DetectedOn { get; init; }
    public DateTimeOffset? FirstPowerOnAt { get; init; }
    public string Symptom { get; init; } = "";
    public List<string> EvidenceRefs { get; init; } = [];
    public DoaCause Cause { get; init; }
    public DateTimeOffset? SiteAcceptedAt { get; init; }
    public string FiledBy { get; init; } = "";
    public DateTimeOffset FiledAt { get; init; }
    public DoaClaimState State { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? RejectionReason { get; init; }
    public string? ReplacementRequestId { get; init; }
    public ReplacementShipment? ReplacementShipment { get; init; }
    public ReplacementReceipt? ReplacementReceipt { get; init; }
    public DeadUnitReturn? DeadUnitReturn { get; init; }
    public DeadUnitInspection? Inspection { get; init; }
    public List<DoaTransition> History { get; init; } = [];
    public List<EvidenceFile> Evidence { get; init; } = [];
}
