using Logistics.SharedKernel;

namespace Logistics.Requests.Domain;

/// <summary>
/// Where a part request stands (docs/state-machines.md "Part request"). The transitions, each made by one method of <see cref="PartRequest"/>:
/// <list type="table">
/// <item><term>(none) → Submitted | Approved</term><description><see cref="PartRequest.Submit"/>: approved at once (by "system") within the engineer's quota.</description></item>
/// <item><term>(none) → Approved</term><description><see cref="PartRequest.ForDoaReplacement"/>: the replacement of an approved DOA claim.</description></item>
/// <item><term>Submitted → Approved | Rejected</term><description><see cref="PartRequest.Approve"/>, <see cref="PartRequest.Reject"/>: a supervisor, never the requester.</description></item>
/// <item><term>Approved → Reserved | Backordered, Backordered → Reserved</term><description><see cref="PartRequest.RecordReservation"/>.</description></item>
/// <item><term>Reserved → Shipped</term><description><see cref="PartRequest.Ship"/>.</description></item>
/// <item><term>Shipped → Delivered</term><description><see cref="PartRequest.RecordDelivery"/> / <see cref="PartRequest.RecordDiscrepancy"/> once every shipped serial is accounted for and one was signed for.</description></item>
/// <item><term>Delivered → Installed</term><description><see cref="PartRequest.Install"/>.</description></item>
/// <item><term>Installed → Closed</term><description><see cref="PartRequest.CloseOnReturnInspected"/>.</description></item>
/// <item><term>Submitted | Approved | Backordered | Reserved → Cancelled</term><description><see cref="PartRequest.Cancel"/>.</description></item>
/// <item><term>Shipped | Delivered with nothing signed for → LostInTransit</term><description><see cref="PartRequest.RecordLostInTransit"/>: receipts' investigation wrote the whole shipment off (a write-off of part of it makes those serials discrepancies).</description></item>
/// </list>
/// Rejected, Cancelled, Closed and LostInTransit are final.
/// </summary>
public enum RequestState
{
    Submitted,
    Approved,
    Rejected,
    Reserved,
    Backordered,
    Shipped,
    Delivered,
    Installed,
    Closed,
    Cancelled,

    /// <summary>Nothing of the shipment was signed for and a supervisor wrote it off as lost (docs/lost-in-transit.md); final.</summary>
    LostInTransit,
}

/// <summary>
/// A request for a spare part (advance replacement: ship first, faulty part back after). A plain class: each command
/// checks everything first and then changes the request, or throws and changes nothing. No I/O and no clock: times and
/// facts (the engineer's standing, inventory's reservation outcome) are passed in; who may call which command by role
/// is checked by the API; the rules about the person (not the requester, only the engineer it was shipped to) are here.
/// </summary>
public sealed class PartRequest
{
    /// <summary>Who approved a request automatically.</summary>
    public const string System = "system";

    private const int MaxReasonLength = 1000;

    private readonly List<RequestTransition> _history = [];
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _discrepancies = new(StringComparer.Ordinal);

    private PartRequest(
        string requestId, string ticketId, string siteId, string centreId, string partNumber, int quantity,
        ServiceLevel serviceLevel, Deadlines deadlines, string engineerId, string? faultySerial, DateTimeOffset submittedAt,
        string? doaClaimId = null, string? replacesRequestId = null)
    {
        RequestId = requestId;
        TicketId = ticketId;
        SiteId = siteId;
        CentreId = centreId;
        PartNumber = partNumber;
        Quantity = quantity;
        ServiceLevel = serviceLevel;
        ShipBy = deadlines.ShipBy;
        DeliverBy = deadlines.DeliverBy;
        EngineerId = engineerId;
        FaultySerial = faultySerial;
        SubmittedAt = submittedAt;
        DoaClaimId = doaClaimId;
        ReplacesRequestId = replacesRequestId;
    }

    public string RequestId { get; }
    public string TicketId { get; }
    public string SiteId { get; }
    public string CentreId { get; }
    public string PartNumber { get; }
    public int Quantity { get; }
    public ServiceLevel ServiceLevel { get; }
    public DateTimeOffset ShipBy { get; }
    public DateTimeOffset DeliverBy { get; }

    /// <summary>The requester (from the token); the part is shipped to this engineer.</summary>
    public string EngineerId { get; }
    public string? FaultySerial { get; }
    public DateTimeOffset SubmittedAt { get; }

    /// <summary>The approved DOA claim this request replaces a dead unit for; null for an engineer's own request.</summary>
    public string? DoaClaimId { get; }

    /// <summary>The request lost in transit that this one asks again for; null for a first request.</summary>
    public string? ReplacesRequestId { get; }

    /// <summary>The lost-in-transit investigation that wrote the shipment off (when <see cref="State"/> is LostInTransit).</summary>
    public string? LostInTransitInvestigationId { get; private set; }

    public RequestState State { get; private set; } = RequestState.Submitted;

    /// <summary>Approved without a supervisor, within the engineer's quota.</summary>
    public bool AutoApproved { get; private set; }

    /// <summary>Why it was not approved automatically (empty when it was), in English: <see cref="ApprovalHolds"/> as sentences.</summary>
    public string AwaitingApprovalBecause { get; private set; } = "";

    /// <summary>Why it was not approved automatically, as data (empty when it was, and for requests stored before holds were kept).</summary>
    public IReadOnlyList<ApprovalHold> ApprovalHolds => _approvalHolds;
    private readonly List<ApprovalHold> _approvalHolds = [];
    public string? ApprovedBy { get; private set; }
    public string? RejectedBy { get; private set; }
    public string? RejectionReason { get; private set; }
    public string? CancelledBy { get; private set; }
    public Shipment? Shipment { get; private set; }
    public Installation? Installation { get; private set; }
    public string? ReturnId { get; private set; }

    /// <summary>Shipped serials signed for by the engineer.</summary>
    public IReadOnlySet<string> DeliveredSerials => _delivered;

    /// <summary>Shipped serials recorded as a discrepancy (not received); they no longer keep the request Shipped.</summary>
    public IReadOnlySet<string> DiscrepancySerials => _discrepancies;

    /// <summary>Shipped serials neither signed for nor recorded as a discrepancy.</summary>
    public IReadOnlyList<string> OutstandingSerials =>
        Shipment is null ? [] : Shipment.Serials.Where(s => !_delivered.Contains(s) && !_discrepancies.Contains(s)).ToList();

    public IReadOnlyList<RequestTransition> History => _history;

    /// <summary>When it became Delivered (every shipped serial accounted for); null before.</summary>
    public DateTimeOffset? DeliveredAt => _history.LastOrDefault(t => t.To == RequestState.Delivered)?.At;

    /// <summary>Counts against the engineer's quota: neither Rejected, Cancelled, Closed nor LostInTransit.</summary>
    public bool IsOpen => State is not (RequestState.Rejected or RequestState.Cancelled or RequestState.Closed or RequestState.LostInTransit);

    /// <summary>Not shipped by ship-by, or not delivered by deliver-by (still open).</summary>
    public bool IsLate(DateTimeOffset now) =>
        (State is RequestState.Submitted or RequestState.Approved or RequestState.Backordered or RequestState.Reserved && now > ShipBy)
        || (State is RequestState.Submitted or RequestState.Approved or RequestState.Backordered or RequestState.Reserved or RequestState.Shipped
            && now > DeliverBy);

    /// <summary>
    /// A new request; its deadlines are computed now, on the centre's and the site's clocks (<paramref name="clocks"/>), and
    /// kept: a later change of a calendar or a zone does not move them. It is approved at once when the engineer holds fewer than <see cref="RequestPolicy.OpenRequestQuota"/>
    /// open requests, asks for at most <see cref="RequestPolicy.MaxAutoApprovedQuantity"/> and holds no overdue faulty part;
    /// otherwise it waits in Submitted for a supervisor. <paramref name="replaces"/> is the engineer's own request lost in
    /// transit that this one asks again for (<see cref="CanBeReplacedBy"/>).
    /// </summary>
    public static PartRequest Submit(
        string requestId, string ticketId, string siteId, string centreId, string partNumber, int quantity, string serviceLevel,
        string engineerId, string? faultySerial, DateTimeOffset submittedAt, EngineerStanding standing, RequestPolicy policy,
        DeadlineClocks clocks, PartRequest? replaces = null)
    {
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(clocks);
        var level = ServiceLevel.Parse(serviceLevel);
        var request = new PartRequest(
            Require.Code(requestId, "request_id", 64),
            Require.Code(ticketId, "ticket_id", 64),
            Require.Code(siteId, "site_id"),
            Require.Code(centreId, "centre_id"),
            Require.Code(partNumber, "part_number"),
            Quantities.Check(quantity),
            level,
            level.DeadlinesFor(submittedAt, policy.ServiceLevels, clocks),
            Require.Text(engineerId, "engineer_id"),
            string.IsNullOrWhiteSpace(faultySerial) ? null : Serials.Check(faultySerial, "faulty_serial"),
            submittedAt,
            replacesRequestId: replaces?.RequestId);
        replaces?.CanBeReplacedBy(request);

        var holds = request._approvalHolds;
        if (standing.OpenRequests >= policy.OpenRequestQuota)
            holds.Add(new ApprovalHold(ApprovalHold.OpenRequestQuota, standing.OpenRequests, policy.OpenRequestQuota));
        if (quantity > policy.MaxAutoApprovedQuantity)
            holds.Add(new ApprovalHold(ApprovalHold.QuantityAboveAutomatic, quantity, policy.MaxAutoApprovedQuantity));
        if (standing.HoldsOverdueFaultyPart)
            holds.Add(new ApprovalHold(ApprovalHold.FaultyPartOverdue));

        if (holds.Count == 0)
        {
            request.AutoApproved = true;
            request.ApprovedBy = System;
            request.Move(RequestState.Approved, System, submittedAt, "within quota");
        }
        else request.AwaitingApprovalBecause = string.Join("; ", holds.Select(h => h.Sentence));
        return request;
    }

    /// <summary>
    /// The replacement of a dead unit, created when a delivery manager approves the DOA claim (docs/domain.md "DOA claim"):
    /// one unit of the same part at the fastest service level (7x24x4), shipped to the engineer of the claim, approved by
    /// the claim's approver (not automatically, and outside the engineer's quota). It is reserved and shipped like any request.
    /// </summary>
    public static PartRequest ForDoaReplacement(
        string requestId, string doaClaimId, string ticketId, string siteId, string centreId, string partNumber, string engineerId,
        string? deadSerial, string approvedBy, DateTimeOffset approvedAt, RequestPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var level = ServiceLevel.FourHoursAnyTime;
        var claim = Require.Code(doaClaimId, "doa_claim_id", 64);
        var approver = Require.Text(approvedBy, "approved_by");
        var request = new PartRequest(
            Require.Code(requestId, "request_id", 64),
            Require.Code(ticketId, "ticket_id", 64),
            Require.Code(siteId, "site_id"),
            Require.Code(centreId, "centre_id"),
            Require.Code(partNumber, "part_number"),
            1,
            level,
            level.DeadlinesFor(approvedAt, policy.ServiceLevels, DeadlineClocks.Utc), // 7x24x4 counts elapsed time: the same in every zone
            Require.Text(engineerId, "engineer_id"),
            string.IsNullOrWhiteSpace(deadSerial) ? null : Serials.Check(deadSerial, "serial"),
            approvedAt,
            claim);
        request.ApprovedBy = approver;
        request.Move(RequestState.Approved, approver, approvedAt, $"replacement for DOA claim {claim}");
        return request;
    }

    /// <summary>A supervisor approves a request waiting in Submitted. Nobody approves their own request.</summary>
    public void Approve(string approverId, DateTimeOffset at)
    {
        var approver = Require.Text(approverId, "approver_id");
        ExpectState("approved", RequestState.Submitted);
        NotTheRequester(approver, "approve");
        ApprovedBy = approver;
        Move(RequestState.Approved, approver, at);
    }

    /// <summary>A supervisor rejects a request waiting in Submitted, giving a reason. Nobody rejects their own request.</summary>
    public void Reject(string rejecterId, string? reason, DateTimeOffset at)
    {
        var rejecter = Require.Text(rejecterId, "rejecter_id");
        var why = Require.Text(reason, "reason", MaxReasonLength);
        ExpectState("rejected", RequestState.Submitted);
        NotTheRequester(rejecter, "reject");
        RejectedBy = rejecter;
        RejectionReason = why;
        Move(RequestState.Rejected, rejecter, at, why);
    }

    /// <summary>
    /// Whether inventory's answer still applies: a reservation to an Approved or Backordered request, a backorder to an
    /// Approved one. A late or repeated answer (backordered after reserved, anything after a cancel) does not.
    /// </summary>
    public bool AwaitsReservation(ReservationOutcome outcome) => outcome == ReservationOutcome.Reserved
        ? State is RequestState.Approved or RequestState.Backordered
        : State is RequestState.Approved;

    /// <summary>Inventory's answer: Approved → Reserved | Backordered; Backordered → Reserved when stock arrives.</summary>
    public void RecordReservation(ReservationOutcome outcome, DateTimeOffset at)
    {
        if (outcome == ReservationOutcome.Reserved)
        {
            ExpectState("reserved", RequestState.Approved, RequestState.Backordered);
            Move(RequestState.Reserved, "inventory", at);
        }
        else
        {
            ExpectState("backordered", RequestState.Approved);
            Move(RequestState.Backordered, "inventory", at);
        }
    }

    /// <summary>
    /// The warehouse ships a Reserved request: exactly <see cref="Quantity"/> distinct serials, the ESD packaging
    /// confirmed (<see cref="EsdPackaging.Confirm"/>), a carrier and a tracking number.
    /// </summary>
    public void Ship(
        IReadOnlyCollection<string>? serials, EsdPackaging? packaging, string? carrier, string? trackingNo, string shippedBy, DateTimeOffset at)
    {
        var list = Serials.CheckDistinct(serials, "serials");
        if (list.Count != Quantity)
            throw new InvalidFieldException("serials", $"{list.Count} serials given; request {RequestId} is for {Quantity}");
        var confirmed = EsdPackaging.Confirm(packaging);
        var carrierName = Require.Text(carrier, "carrier", 100);
        var tracking = Require.Code(trackingNo, "tracking_no", 64);
        var by = Require.Text(shippedBy, "shipped_by");
        ExpectState("shipped", RequestState.Reserved);
        Shipment = new Shipment(list, confirmed, carrierName, tracking, by, at);
        Move(RequestState.Shipped, by, at);
    }

    /// <summary>
    /// The engineer signed for some (or all) of the shipped serials; one reported missing before may turn up and be
    /// signed for (it stops being a discrepancy). The request stays Shipped until every shipped serial is signed for or
    /// recorded as a discrepancy and at least one was signed for, then becomes Delivered. Returns whether it is now Delivered.
    /// </summary>
    public bool RecordDelivery(IReadOnlyCollection<string>? serials, string signedBy, DateTimeOffset at)
    {
        var list = Serials.CheckDistinct(serials, "serials");
        if (list.Count == 0) throw new InvalidFieldException("serials", "at least one serial is required");
        var signer = Require.Text(signedBy, "signed_by");
        ExpectState("delivered", RequestState.Shipped);
        if (signer != EngineerId)
            throw new NotAllowedException($"request {RequestId} was shipped to {EngineerId}; {signer} cannot sign for it");
        CheckShippedAndNotSigned(list);
        _discrepancies.ExceptWith(list);
        _delivered.UnionWith(list);
        return CompleteDeliveryIfAccounted(signer, at);
    }

    /// <summary>
    /// Shipped serials reported missing are recorded as a discrepancy, so they no longer hold the request in Shipped once
    /// something else was delivered. When nothing was (every serial missing), the request stays Shipped: the engineer
    /// has no part, and receipts' lost-in-transit investigation (or the parts turning up) decides. Returns whether it is
    /// now Delivered.
    /// </summary>
    public bool RecordDiscrepancy(IReadOnlyCollection<string>? serials, string? note, string recordedBy, DateTimeOffset at)
    {
        var list = Serials.CheckDistinct(serials, "serials");
        if (list.Count == 0) throw new InvalidFieldException("serials", "at least one serial is required");
        Require.Text(note, "note", MaxReasonLength);
        var by = Require.Text(recordedBy, "recorded_by");
        ExpectState("marked with a discrepancy", RequestState.Shipped);
        CheckShippedAndUnaccounted(list);
        _discrepancies.UnionWith(list);
        return CompleteDeliveryIfAccounted(by, at);
    }

    /// <summary>
    /// The engineer it was shipped to records the swap: the installed serial is one delivered to them on this request,
    /// the removed (faulty) serial differs from it, and the equipment is named. Opens a faulty-part return (elsewhere).
    /// </summary>
    public void Install(string engineerId, string? installedSerial, string? removedSerial, string? equipmentId, DateTimeOffset at)
    {
        var installed = Serials.Check(installedSerial, "installed_serial");
        var removed = Serials.Check(removedSerial, "removed_serial");
        if (removed == installed) throw new InvalidFieldException("removed_serial", $"'{removed}' is the installed serial; the removed one must differ");
        var equipment = Require.Code(equipmentId, "equipment_id", 64);
        var engineer = Require.Text(engineerId, "engineer_id");
        ExpectState("installed", RequestState.Delivered);
        if (engineer != EngineerId)
            throw new NotAllowedException($"request {RequestId} was shipped to {EngineerId}; only they can record its swap");
        if (!_delivered.Contains(installed))
            throw new RuleViolationException($"serial {installed} was not delivered on request {RequestId}; delivered: {string.Join(", ", _delivered.Order(StringComparer.Ordinal))}");
        Installation = new Installation(installed, removed, equipment, engineer, at);
        Move(RequestState.Installed, engineer, at);
    }

    /// <summary>Installed, and <paramref name="serial"/> is the faulty part removed in its swap: its inspection closes the request.</summary>
    public bool AwaitsReturnOf(string? serial) => State == RequestState.Installed && Installation!.RemovedSerial == serial;

    /// <summary>The faulty part's return was received and inspected at the centre: the request is Closed.</summary>
    public void CloseOnReturnInspected(string? returnId, string? inspectedSerial, DateTimeOffset at)
    {
        var id = Require.Code(returnId, "return_id", 64);
        var serial = Serials.Check(inspectedSerial, "inspected_serial");
        ExpectState("closed", RequestState.Installed);
        if (serial != Installation!.RemovedSerial)
            throw new RuleViolationException($"return {id} inspected serial {serial}; request {RequestId} removed {Installation.RemovedSerial}");
        ReturnId = id;
        Move(RequestState.Closed, "returns", at, id);
    }

    /// <summary>
    /// Receipts' lost-in-transit investigation <paramref name="investigationId"/> wrote off <paramref name="serials"/> of
    /// the shipment (none named: all of it). Receipts investigates only serials nobody signed for, so a write-off of every
    /// shipped serial means nothing arrived: the request is LostInTransit, final (also when the engineer's report of them
    /// missing had made it Delivered), and the engineer may ask again (<see cref="CanBeReplacedBy"/>). A write-off of some
    /// serials makes them discrepancies of a Shipped request, which is Delivered once every serial is accounted for (the
    /// others' receipt may come before or after: either order ends the same). Returns whether the request changed; a
    /// Delivered one that had something signed for does not. Throws, changing nothing, in any other state or for a
    /// serial not shipped on it.
    /// </summary>
    public bool RecordLostInTransit(string investigationId, IReadOnlyCollection<string>? serials, string writtenOffBy, DateTimeOffset at)
    {
        var investigation = Require.Code(investigationId, "investigation_id", 80);
        var named = Serials.CheckDistinct(serials, "serials");
        var by = Require.Text(writtenOffBy, "written_off_by");
        ExpectState("lost in transit", RequestState.Shipped, RequestState.Delivered);
        if (named.FirstOrDefault(s => !Shipment!.Serials.Contains(s)) is { } stranger)
            throw new InvalidFieldException("serials", $"serial {stranger} was not shipped on request {RequestId}");
        var all = named.Count == 0 || Shipment!.Serials.All(named.Contains);
        if (all && _delivered.Count == 0)
        {
            _discrepancies.UnionWith(Shipment!.Serials);
            LostInTransitInvestigationId = investigation;
            Move(RequestState.LostInTransit, by, at, investigation);
            return true;
        }
        if (State != RequestState.Shipped) return false;
        var lost = named.Where(s => !_delivered.Contains(s) && !_discrepancies.Contains(s)).ToList();
        if (lost.Count == 0) return false;
        _discrepancies.UnionWith(lost);
        CompleteDeliveryIfAccounted(by, at);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="replacement"/> may ask again for this request: this one was lost in transit, and the
    /// replacement is its engineer's, for the same ticket, site, centre and part. Throws saying why not.
    /// </summary>
    public void CanBeReplacedBy(PartRequest replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (State != RequestState.LostInTransit)
            throw new InvalidFieldException("replaces_request_id", $"request {RequestId} is {State}; only a request lost in transit can be replaced");
        if (replacement.EngineerId != EngineerId)
            throw new NotAllowedException($"request {RequestId} belongs to {EngineerId}; only they can ask again for it");
        foreach (var (field, mine, theirs) in new[]
                 {
                     ("ticket_id", TicketId, replacement.TicketId), ("site_id", SiteId, replacement.SiteId),
                     ("centre_id", CentreId, replacement.CentreId), ("part_number", PartNumber, replacement.PartNumber),
                 })
            if (mine != theirs)
                throw new InvalidFieldException(field, $"'{theirs}' differs from '{mine}' of request {RequestId}, which this request replaces");
    }

    /// <summary>
    /// The requester or a supervisor cancels the request before it ships. Says what inventory must undo.
    /// </summary>
    public Cancellation Cancel(string cancelledBy, bool bySupervisor, DateTimeOffset at, string? reason = null)
    {
        var by = Require.Text(cancelledBy, "cancelled_by");
        var why = Require.OptionalText(reason, "reason", MaxReasonLength);
        if (!bySupervisor && by != EngineerId)
            throw new NotAllowedException($"request {RequestId} belongs to {EngineerId}; only they or a supervisor can cancel it");
        if (State is not (RequestState.Submitted or RequestState.Approved or RequestState.Backordered or RequestState.Reserved))
            throw new RuleViolationException($"request {RequestId} is {State}; only requests not yet shipped (Submitted, Approved, Backordered, Reserved) can be cancelled");
        var cancellation = new Cancellation(State == RequestState.Reserved, State == RequestState.Backordered);
        CancelledBy = by;
        Move(RequestState.Cancelled, by, at, why);
        return cancellation;
    }

    /// <summary>Everything the request holds, for storing it; <see cref="Restore"/> gives it back.</summary>
    public PartRequestSnapshot ToSnapshot() => new(
        RequestId, TicketId, SiteId, CentreId, PartNumber, Quantity, ServiceLevel.Code, ShipBy, DeliverBy, EngineerId, FaultySerial,
        SubmittedAt, DoaClaimId, State, AutoApproved, AwaitingApprovalBecause, ApprovedBy, RejectedBy, RejectionReason, CancelledBy,
        Shipment, Installation, ReturnId,
        [.. _delivered.Order(StringComparer.Ordinal)], [.. _discrepancies.Order(StringComparer.Ordinal)], [.. _history],
        ReplacesRequestId, LostInTransitInvestigationId, [.. _approvalHolds]);

    /// <summary>
    /// The request as it was stored. The snapshot was made by <see cref="ToSnapshot"/>, so it is taken as it is (the
    /// deadlines too: they were computed with the settings of the day it was submitted); no rule is checked again.
    /// </summary>
    public static PartRequest Restore(PartRequestSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var request = new PartRequest(
            snapshot.RequestId, snapshot.TicketId, snapshot.SiteId, snapshot.CentreId, snapshot.PartNumber, snapshot.Quantity,
            ServiceLevel.Parse(snapshot.ServiceLevel), new Deadlines(snapshot.ShipBy, snapshot.DeliverBy), snapshot.EngineerId,
            snapshot.FaultySerial, snapshot.SubmittedAt, snapshot.DoaClaimId, snapshot.ReplacesRequestId)
        {
            State = snapshot.State,
            AutoApproved = snapshot.AutoApproved,
            AwaitingApprovalBecause = snapshot.AwaitingApprovalBecause,
            ApprovedBy = snapshot.ApprovedBy,
            RejectedBy = snapshot.RejectedBy,
            RejectionReason = snapshot.RejectionReason,
            CancelledBy = snapshot.CancelledBy,
            Shipment = snapshot.Shipment,
            Installation = snapshot.Installation,
            ReturnId = snapshot.ReturnId,
            LostInTransitInvestigationId = snapshot.LostInTransitInvestigationId,
        };
        request._delivered.UnionWith(snapshot.DeliveredSerials);
        request._discrepancies.UnionWith(snapshot.DiscrepancySerials);
        request._history.AddRange(snapshot.History);
        request._approvalHolds.AddRange(snapshot.ApprovalHolds ?? []);
        return request;
    }

    private void CheckShippedAndUnaccounted(IReadOnlyList<string> serials)
    {
        CheckShippedAndNotSigned(serials);
        if (serials.FirstOrDefault(_discrepancies.Contains) is { } again)
            throw new RuleViolationException($"serial {again} on request {RequestId} is already recorded as a discrepancy");
    }

    private void CheckShippedAndNotSigned(IReadOnlyList<string> serials)
    {
        foreach (var serial in serials)
        {
            if (!Shipment!.Serials.Contains(serial))
                throw new RuleViolationException($"serial {serial} was not shipped on request {RequestId}");
            if (_delivered.Contains(serial))
                throw new RuleViolationException($"serial {serial} on request {RequestId} was already signed for");
        }
    }

    private bool CompleteDeliveryIfAccounted(string by, DateTimeOffset at)
    {
        if (OutstandingSerials.Count > 0 || _delivered.Count == 0) return false;
        Move(RequestState.Delivered, by, at);
        return true;
    }

    private void NotTheRequester(string who, string verb)
    {
        if (who == EngineerId) throw new NotAllowedException($"{who} cannot {verb} their own request {RequestId}");
    }

    private void ExpectState(string becoming, params RequestState[] allowed)
    {
        if (!allowed.Contains(State))
            throw new RuleViolationException(
                $"request {RequestId} is {State}; only {string.Join(" or ", allowed)} requests can be {becoming}");
    }

    private void Move(RequestState to, string by, DateTimeOffset at, string note = "")
    {
        _history.Add(new RequestTransition(State, to, by, at, note));
        State = to;
    }
}
