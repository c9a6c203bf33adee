using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Transfers;

/// <summary>
/// Where a transfer between centres stands: Requested → Picked → Shipped → PartlyReceived → Received; Cancelled only
/// before it ships (after that the units are on the road and only a receipt ends the transfer).
/// </summary>
public enum TransferState
{
    /// <summary>The receiving centre asked for the units; nothing moved.</summary>
    Requested,
    /// <summary>The sending centre scanned the serials and reserved them: no longer available there.</summary>
    Picked,
    /// <summary>On the road in sealed ESD packaging: in transit from the sending centre, at neither centre's disposal.</summary>
    Shipped,
    /// <summary>Some serials arrived at the receiving centre; the rest are still in transit.</summary>
    PartlyReceived,
    /// <summary>The receiving centre closed the receipt: every serial arrived, or the rest is recorded missing.</summary>
    Received,
    Cancelled,
}

/// <summary>One change of state, who made it, when, and a note (the shipment, a receipt, a cancellation's reason).</summary>
public sealed record TransferStep(TransferState From, TransferState To, string By, DateTimeOffset At, string Note);

/// <summary>The shipment that took the units from the sending centre.</summary>
public sealed record TransferShipment(string Carrier, string TrackingNumber, bool EsdPackaging);

/// <summary>
/// One receipt at the receiving centre: the serials accepted into the bin and those scanned that were not shipped; for a
/// part tracked by quantity, the units counted in (<see cref="Quantity"/>) and, on the closing receipt, those missing.
/// </summary>
public sealed record TransferReceipt(int Number, string By, DateTimeOffset At, string Bin, IReadOnlyList<string> Accepted,
    IReadOnlyList<string> Unexpected, IReadOnlyList<string> Missing)
{
    public int Quantity { get; init; }
    public int MissingQuantity { get; init; }
}

/// <summary>
/// Units of one part moving from one spare-part centre to another, as plain rules. A serialized part moves by serial
/// (scanned at the pick and at the receipt); a part tracked by quantity moves by count (the pick confirms the quantity,
/// each receipt counts what arrived). The receiving centre asks;
/// the sending centre picks (scans the serials, which are reserved) and ships them in ESD packaging; the receiving
/// centre receives them, in one or more receipts, recording serials that did not come (missing, when it closes the
/// receipt) and serials that came but were not shipped (unexpected, never put in stock). Every method returns the next
/// state and never changes this one; a refused step throws and changes nothing.
/// </summary>
public sealed record Transfer
{
    public const int MaxQuantity = 500;
    public const int MaxNoteLength = 500;
    public const int MaxCodeLength = 40;

    public required string TransferId { get; init; }
    public required string FromCentreId { get; init; }
    public required string ToCentreId { get; init; }
    public required string PartNumber { get; init; }
    public required int Quantity { get; init; }
    public required TransferState State { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    /// <summary>False for a part tracked by quantity (documents saved before such transfers existed are serialized).</summary>
    public bool Serialized { get; init; } = true;
    public string Note { get; init; } = "";
    /// <summary>The serials picked at the sending centre (and shipped).</summary>
    public IReadOnlyList<string> Serials { get; init; } = [];
    public TransferShipment? Shipment { get; init; }
    public IReadOnlyList<TransferReceipt> Receipts { get; init; } = [];
    public string CancelReason { get; init; } = "";
    public IReadOnlyList<TransferStep> History { get; init; } = [];
    /// <summary>Serials written off as lost in transit (a lost-in-transit investigation approved); a receipt of one is refused.</summary>
    public IReadOnlyList<string> LostSerials { get; init; } = [];
    /// <summary>Units of a part tracked by quantity written off as lost in transit.</summary>
    public int LostUnits { get; init; }
    /// <summary>The investigation that wrote them off; "" until then (a transfer is written off at most once).</summary>
    public string LostInvestigationId { get; init; } = "";

    public IReadOnlyList<string> ReceivedSerials => Receipts.SelectMany(r => r.Accepted).ToList();
    public IReadOnlyList<string> MissingSerials => Receipts.SelectMany(r => r.Missing).ToList();
    public IReadOnlyList<string> UnexpectedSerials => Receipts.SelectMany(r => r.Unexpected).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Units received so far (serials accepted, or units counted in).</summary>
    public int ReceivedQuantity => Serialized ? ReceivedSerials.Count : Receipts.Sum(r => r.Quantity);

    /// <summary>Units recorded missing when the receipt was closed.</summary>
    public int MissingQuantity => Serialized ? MissingSerials.Count : Receipts.Sum(r => r.MissingQuantity);

    /// <summary>Units shipped and neither received, recorded missing nor written off as lost: still on the road.</summary>
    public int InTransitQuantity => State == TransferState.Received ? 0 : StillInTransitQuantity;

    /// <summary>Units written off as lost in transit (the lost serials, or the count of a part tracked by quantity).</summary>
    public int LostQuantity => Serialized ? LostSerials.Count : LostUnits;

    /// <summary>Shipped and neither received, recorded missing nor written off as lost: still on the road.</summary>
    public IReadOnlyList<string> InTransitSerials => State == TransferState.Received ? [] : StillInTransitSerials;

    /// <summary>
    /// Units shipped that have neither been received nor written off as lost: still in the sending centre's transit, on the
    /// road or recorded missing by a final receipt. A lost-in-transit write-off takes these.
    /// </summary>
    public int StillInTransitQuantity => HasShipped ? Quantity - ReceivedQuantity - LostQuantity : 0;

    /// <summary>The serials of <see cref="StillInTransitQuantity"/>.</summary>
    public IReadOnlyList<string> StillInTransitSerials => HasShipped
        ? Serials.Except(ReceivedSerials, StringComparer.Ordinal).Except(LostSerials, StringComparer.Ordinal).ToList()
        : [];

    private bool HasShipped => State is TransferState.Shipped or TransferState.PartlyReceived or TransferState.Received;

    /// <summary>
    /// Units the receiving centre can still expect from this transfer: all of them until it ships, then those still on
    /// the road; none once received (what is missing is the lost-in-transit investigation's) or cancelled.
    /// </summary>
    public int Incoming => State switch
    {
        TransferState.Requested or TransferState.Picked => Quantity,
        TransferState.Shipped or TransferState.PartlyReceived => InTransitQuantity,
        _ => 0,
    };

    /// <summary>
    /// Units the sending centre promised and has not reserved yet (a picked transfer's units are reserved there, so
    /// no longer available anyway).
    /// </summary>
    public int Promised => State == TransferState.Requested ? Quantity : 0;

    /// <summary>The receiving centre (or a supervisor of it) asks another centre for units of a part.</summary>
    public static Transfer Request(string transferId, string fromCentreId, string toCentreId, string partNumber, long quantity,
        string? note, string requestedBy, DateTimeOffset at, bool serialized = true)
    {
        var from = Require.Code(fromCentreId, "from_centre_id");
        if (string.Equals(from, toCentreId, StringComparison.Ordinal))
            throw new InvalidFieldException("from_centre_id", $"is the receiving centre {toCentreId}; a transfer goes between two centres");
        var count = Quantities.Check(quantity);
        if (count > MaxQuantity) throw new InvalidFieldException("quantity", $"must be at most {MaxQuantity} per transfer (was {count})");
        return new Transfer
        {
            TransferId = transferId, FromCentreId = from, ToCentreId = toCentreId, PartNumber = partNumber, Quantity = count,
            State = TransferState.Requested, RequestedBy = requestedBy, RequestedAt = at, Serialized = serialized,
            Note = Require.OptionalText(note, "note", MaxNoteLength),
            History = [new TransferStep(TransferState.Requested, TransferState.Requested, requestedBy, at, "requested")],
        };
    }

    /// <summary>The sending centre scans exactly the requested number of distinct serials.</summary>
    public Transfer Pick(string by, IEnumerable<string?>? serials, DateTimeOffset at)
    {
        if (!Serialized) throw new InvalidFieldException("serials", $"part {PartNumber} is tracked by quantity; confirm the quantity picked, without serials");
        var list = SharedKernel.Serials.CheckDistinct(serials, "serials");
        if (list.Count != Quantity)
            throw new InvalidFieldException("serials", $"transfer {TransferId} is for {Quantity} of part {PartNumber}; {list.Count} serials scanned");
        Expect(TransferState.Requested, "picked");
        return Move(TransferState.Picked, by, at, string.Join(' ', list)) with { Serials = list };
    }

    /// <summary>The sending centre confirms it picked the requested quantity of a part tracked by quantity (no serials).</summary>
    public Transfer PickQuantity(string by, long quantity, DateTimeOffset at)
    {
        if (Serialized) throw new InvalidFieldException("serials", $"part {PartNumber} is serialized; scan the {Quantity} serials picked");
        if (quantity != Quantity)
            throw new InvalidFieldException("quantity", $"transfer {TransferId} is for {Quantity} of part {PartNumber}; {quantity} confirmed");
        Expect(TransferState.Requested, "picked");
        return Move(TransferState.Picked, by, at, $"{quantity} picked");
    }

    /// <summary>The sending centre ships the picked units in sealed ESD packaging, with carrier and tracking number.</summary>
    public Transfer Ship(string by, string? carrier, string? trackingNumber, bool esdPackaging, DateTimeOffset at)
    {
        var carrierName = Require.Text(carrier, "carrier", 100); // a name ("SF Express"), as on an engineer's shipment
        var tracking = Require.Code(trackingNumber, "tracking_number", 64);
        if (!esdPackaging) throw new InvalidFieldException("esd_packaging", "a board travels only in sealed ESD packaging; confirm it");
        Expect(TransferState.Picked, "shipped");
        return Move(TransferState.Shipped, by, at, $"{carrierName}/{tracking}") with { Shipment = new TransferShipment(carrierName, tracking, true) };
    }

    /// <summary>
    /// The receiving centre scans what arrived into a bin. Serials shipped and still on the road are accepted; serials not
    /// shipped on this transfer are recorded unexpected (and not taken into stock); a serial already received is refused.
    /// With <paramref name="final"/> the receipt closes the transfer and what did not arrive is recorded missing; without
    /// it, the transfer waits for the rest (PartlyReceived) unless everything has arrived.
    /// </summary>
    public Transfer Receive(string by, IEnumerable<string?>? serials, string bin, bool final, DateTimeOffset at)
    {
        if (!Serialized) throw new InvalidFieldException("serials", $"part {PartNumber} is tracked by quantity; count what arrived, without serials");
        var scanned = SharedKernel.Serials.CheckDistinct(serials, "serials");
        if (scanned.Count == 0 && !final)
            throw new InvalidFieldException("serials", "scan the serials that arrived (or close the receipt with what is missing)");
        if (scanned.Count > Quantity + MaxQuantity)
            throw new InvalidFieldException("serials", $"{scanned.Count} serials scanned for a transfer of {Quantity}");
        if (State is not (TransferState.Shipped or TransferState.PartlyReceived))
            throw new RuleViolationException($"transfer {TransferId} is {State}; only a shipped transfer can be received");
        var received = ReceivedSerials.ToHashSet(StringComparer.Ordinal);
        if (scanned.FirstOrDefault(received.Contains) is { } again)
            throw new InvalidFieldException("serials", $"serial {again} of transfer {TransferId} was received already");
        if (scanned.FirstOrDefault(s => LostSerials.Contains(s, StringComparer.Ordinal)) is { } lost)
            throw new InvalidFieldException("serials",
                $"serial {lost} of transfer {TransferId} was written off as lost in transit ({LostInvestigationId}); goods-in books a unit found later");
        var shipped = Serials.ToHashSet(StringComparer.Ordinal);
        var accepted = scanned.Where(shipped.Contains).ToList();
        var unexpected = scanned.Where(s => !shipped.Contains(s)).ToList();
        var stillOnTheRoad = Serials.Where(s => !received.Contains(s) && !accepted.Contains(s, StringComparer.Ordinal)
            && !LostSerials.Contains(s, StringComparer.Ordinal)).ToList();
        var missing = final ? stillOnTheRoad : [];
        var next = final || stillOnTheRoad.Count == 0 ? TransferState.Received : TransferState.PartlyReceived;
        var receipt = new TransferReceipt(Receipts.Count + 1, by, at, accepted.Count > 0 ? bin : "", accepted, unexpected, missing);
        var note = $"receipt {receipt.Number}: {accepted.Count} received" + (unexpected.Count > 0 ? $", {unexpected.Count} unexpected" : "")
            + (missing.Count > 0 ? $", {missing.Count} missing" : "");
        return Move(next, by, at, note) with { Receipts = [.. Receipts, receipt] };
    }

    /// <summary>
    /// The receiving centre counts units of a part tracked by quantity into a bin: at most what is still on the road.
    /// With <paramref name="final"/> the receipt closes the transfer and the rest is recorded missing (it stays in transit
    /// at the sending centre, for the lost-in-transit investigation); without it, the transfer waits for the rest.
    /// </summary>
    public Transfer ReceiveQuantity(string by, long quantity, string bin, bool final, DateTimeOffset at)
    {
        if (Serialized) throw new InvalidFieldException("quantity", $"part {PartNumber} is serialized; scan the serials that arrived");
        if (quantity < 0) throw new InvalidFieldException("quantity", $"must be 0 or more (was {quantity})");
        if (quantity == 0 && !final)
            throw new InvalidFieldException("quantity", "count the units that arrived (or close the receipt with what is missing)");
        if (State is not (TransferState.Shipped or TransferState.PartlyReceived))
            throw new RuleViolationException($"transfer {TransferId} is {State}; only a shipped transfer can be received");
        var onTheRoad = InTransitQuantity;
        if (quantity > onTheRoad)
            throw new InvalidFieldException("quantity", $"only {onTheRoad} of part {PartNumber} are still on the road on transfer {TransferId} ({quantity} counted)");
        var count = (int)quantity;
        var missing = final ? onTheRoad - count : 0;
        var next = final || onTheRoad == count ? TransferState.Received : TransferState.PartlyReceived;
        var receipt = new TransferReceipt(Receipts.Count + 1, by, at, count > 0 ? bin : "", [], [], []) { Quantity = count, MissingQuantity = missing };
        var note = $"receipt {receipt.Number}: {count} received" + (missing > 0 ? $", {missing} missing" : "");
        return Move(next, by, at, note) with { Receipts = [.. Receipts, receipt] };
    }

    /// <summary>
    /// A lost-in-transit investigation of this transfer was approved: the units still in transit are lost, those on the
    /// road and those a final receipt recorded missing (a receipt of one of the serials, or of more units than remain, is
    /// refused from now on). Exactly once: a transfer already written off, or with nothing left in transit (received
    /// meanwhile), returns itself and nothing lost, so a replayed write-off moves nothing.
    /// </summary>
    public (Transfer After, IReadOnlyList<string> Lost, int LostCount) WriteOffLost(string investigationId, string by, DateTimeOffset at)
    {
        var id = Require.Text(investigationId, "investigation_id");
        if (LostInvestigationId.Length > 0) return (this, [], 0);
        if (!Serialized)
        {
            var units = StillInTransitQuantity;
            if (units == 0) return (this, [], 0);
            return (Move(State, by, at, $"written off as lost in transit ({id}): {units} units") with { LostUnits = units, LostInvestigationId = id }, [], units);
        }
        var lost = StillInTransitSerials;
        if (lost.Count == 0) return (this, [], 0);
        var after = Move(State, by, at, $"written off as lost in transit ({id}): {string.Join(' ', lost)}")
            with { LostSerials = lost, LostInvestigationId = id };
        return (after, lost, lost.Count);
    }

    /// <summary>Either centre cancels before the units ship; picked units go back to available at the sending centre.</summary>
    public Transfer Cancel(string by, string? reason, DateTimeOffset at)
    {
        var why = Require.Text(reason, "reason", MaxNoteLength);
        if (State is not (TransferState.Requested or TransferState.Picked))
            throw new RuleViolationException($"transfer {TransferId} is {State}; only a transfer not yet shipped can be cancelled");
        return Move(TransferState.Cancelled, by, at, why) with { CancelReason = why };
    }

    private void Expect(TransferState state, string step)
    {
        if (State != state)
            throw new RuleViolationException($"transfer {TransferId} is {State}; only a {state} one can be {step}");
    }

    private Transfer Move(TransferState to, string by, DateTimeOffset at, string note) =>
        this with { State = to, History = [.. History, new TransferStep(State, to, by, at, note)] };
}

/// <summary>
/// The stock a transfer moves, through inventory's scripts (one centre per script): the local id of its reservation at
/// the sending centre, and the idempotency key of each movement, derived from the transfer so a retry replays it.
/// </summary>
public static class TransferMoves
{
    /// <summary>The reservation holding the picked units at the sending centre ('T': not a part request's, so not published to requests).</summary>
    public static string ReservationId(string transferId) => "T" + Fingerprint.Hex(transferId)[..20];

    public static string Key(string transferId, string step) => $"transfer-{transferId}-{step}";

    /// <summary>How a centre is named as the other party on a movement (as custody names it).</summary>
    public static string Party(string centreId) => "centre:" + centreId;
}
