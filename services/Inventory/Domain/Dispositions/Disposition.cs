using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Dispositions;

/// <summary>What the warehouse proposes for a quarantined serial.</summary>
public enum DispositionKind
{
    /// <summary>Sent to a repair centre or the vendor; comes back through a receipt, is inspected, returns to stock.</summary>
    Repair,
    /// <summary>Returned to the supplier (RTV) under the supplier's RMA number; closed by credit or replacement.</summary>
    ReturnToSupplier,
    /// <summary>Written off.</summary>
    Scrap,
}

/// <summary>
/// Where a disposition stands. Proposed → Approved (scrap: WrittenOff at once) or Rejected; then
/// repair: Sent → Received → Repaired | Unrepairable; return to supplier: Sent → Closed.
/// </summary>
public enum DispositionState
{
    Proposed,
    Rejected,
    Approved,
    /// <summary>Shipped to the repairer or the supplier: the unit left the quarantine.</summary>
    Sent,
    /// <summary>Repair only: back at the centre, awaiting inspection.</summary>
    Received,
    /// <summary>Repair only: inspected good, back in stock.</summary>
    Repaired,
    /// <summary>Repair only: inspected bad, back in quarantine (a scrap proposal follows).</summary>
    Unrepairable,
    /// <summary>Return to supplier only: the supplier's credit or replacement arrived.</summary>
    Closed,
    /// <summary>Scrap only: written off.</summary>
    WrittenOff,
}

/// <summary>How the supplier settled a return.</summary>
public enum Settlement
{
    Credit,
    Replacement,
}

public static class DispositionNames
{
    public static string WireName(this DispositionKind kind) => kind switch
    {
        DispositionKind.Repair => "repair",
        DispositionKind.ReturnToSupplier => "return-to-supplier",
        DispositionKind.Scrap => "scrap",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static DispositionKind ParseKind(string? name, string field = "kind") => name?.Trim() switch
    {
        "repair" => DispositionKind.Repair,
        "return-to-supplier" => DispositionKind.ReturnToSupplier,
        "scrap" => DispositionKind.Scrap,
        _ => throw new InvalidFieldException(field, $"'{name}' is not a disposition (repair, return-to-supplier, scrap)"),
    };

    public static string WireName(this Settlement settlement) => settlement == Settlement.Credit ? "credit" : "replacement";

    public static Settlement ParseSettlement(string? name, string field = "settlement") => name?.Trim() switch
    {
        "credit" => Settlement.Credit,
        "replacement" => Settlement.Replacement,
        _ => throw new InvalidFieldException(field, $"'{name}' is not a settlement (credit, replacement)"),
    };

    /// <summary>States in which the disposition still holds its serial: no second one may be proposed for it.</summary>
    public static bool IsOpen(this DispositionState state) =>
        state is DispositionState.Proposed or DispositionState.Approved or DispositionState.Sent or DispositionState.Received;

    /// <summary>Whether a state counts as open for storage (one open disposition per serial).</summary>
    public static readonly IReadOnlyList<DispositionState> OpenStates =
        [DispositionState.Proposed, DispositionState.Approved, DispositionState.Sent, DispositionState.Received];
}

/// <summary>One change of state, who made it, when, and why (a rejection's reason, a shipment, a settlement).</summary>
public sealed record DispositionStep(DispositionState From, DispositionState To, string By, DateTimeOffset At, string Note);

/// <summary>The shipment that took the unit to the repairer or the supplier.</summary>
public sealed record DispositionShipment(string Carrier, string TrackingNumber, bool EsdPackaging);

/// <summary>
/// The fate of one quarantined serial at one centre, as plain rules: proposed by the warehouse, approved (or rejected
/// with a reason) by a supervisor who is not the proposer, then carried out. The unit leaves the quarantine exactly once:
/// when a scrap is approved (written off) or when a repair or return is sent. Every method returns the next state
/// and never changes this one; a refused step throws and changes nothing.
/// </summary>
public sealed record Disposition
{
    public const int MaxReasonLength = 500;
    public const int MaxCodeLength = 40;

    public required string DispositionId { get; init; }
    public required string CentreId { get; init; }
    public required string PartNumber { get; init; }
    public required string Serial { get; init; }
    public required DispositionKind Kind { get; init; }
    public required DispositionState State { get; init; }
    public required string ProposedBy { get; init; }
    public required DateTimeOffset ProposedAt { get; init; }
    /// <summary>Why: required for a scrap, optional otherwise.</summary>
    public string Reason { get; init; } = "";
    /// <summary>Return to supplier: the supplier and its RMA number.</summary>
    public string Supplier { get; init; } = "";
    public string RmaNumber { get; init; } = "";
    /// <summary>Repair: the repair centre or vendor.</summary>
    public string Repairer { get; init; } = "";
    public string DecidedBy { get; init; } = "";
    public string RejectionReason { get; init; } = "";
    public DispositionShipment? Shipment { get; init; }
    public Settlement? Settlement { get; init; }
    public string SettlementReference { get; init; } = "";
    public IReadOnlyList<DispositionStep> History { get; init; } = [];

    /// <summary>
    /// A new proposal. Field rules: scrap needs a reason; a return to supplier needs the supplier and its RMA number;
    /// a repair needs the repairer. Fields of another kind are refused rather than ignored.
    /// </summary>
    public static Disposition Propose(string dispositionId, string centreId, string partNumber, string serial, DispositionKind kind,
        string? reason, string? supplier, string? rmaNumber, string? repairer, string proposedBy, DateTimeOffset at)
    {
        var checkedSerial = Serials.Check(serial);
        var why = Require.OptionalText(reason, "reason", MaxReasonLength);
        if (kind == DispositionKind.Scrap && why == "") throw new InvalidFieldException("reason", "a scrap needs its reason");
        var supplierCode = kind == DispositionKind.ReturnToSupplier ? Require.Code(supplier, "supplier", MaxCodeLength) : NotFor(supplier, "supplier", kind);
        var rma = kind == DispositionKind.ReturnToSupplier ? Require.Code(rmaNumber, "rma_number", MaxCodeLength) : NotFor(rmaNumber, "rma_number", kind);
        var repairerCode = kind == DispositionKind.Repair ? Require.Code(repairer, "repairer", MaxCodeLength) : NotFor(repairer, "repairer", kind);
        return new Disposition
        {
            DispositionId = dispositionId, CentreId = centreId, PartNumber = partNumber, Serial = checkedSerial, Kind = kind,
            State = DispositionState.Proposed, ProposedBy = proposedBy, ProposedAt = at,
            Reason = why, Supplier = supplierCode, RmaNumber = rma, Repairer = repairerCode,
            History = [new DispositionStep(DispositionState.Proposed, DispositionState.Proposed, proposedBy, at, "proposed")],
        };
    }

    /// <summary>A supervisor approves; never the proposer. An approved scrap is written off at once.</summary>
    public Disposition Approve(string by, DateTimeOffset at)
    {
        Expect(DispositionState.Proposed, "approved");
        if (string.Equals(by, ProposedBy, StringComparison.Ordinal))
            throw new NotAllowedException($"{by} proposed disposition {DispositionId} of serial {Serial} and cannot approve it; another supervisor must");
        var next = Kind == DispositionKind.Scrap ? DispositionState.WrittenOff : DispositionState.Approved;
        return Move(next, by, at, "approved") with { DecidedBy = by };
    }

    /// <summary>A supervisor rejects with a reason; the serial stays quarantined and may be proposed again.</summary>
    public Disposition Reject(string by, string? reason, DateTimeOffset at)
    {
        var why = Require.Text(reason, "reason", MaxReasonLength);
        Expect(DispositionState.Proposed, "rejected");
        if (string.Equals(by, ProposedBy, StringComparison.Ordinal))
            throw new NotAllowedException($"{by} proposed disposition {DispositionId} of serial {Serial} and cannot decide it; another supervisor must");
        return Move(DispositionState.Rejected, by, at, why) with { DecidedBy = by, RejectionReason = why };
    }

    /// <summary>The warehouse ships an approved repair or return, in ESD packaging, with the carrier and tracking number.</summary>
    public Disposition Ship(string by, string? carrier, string? trackingNumber, bool esdPackaging, DateTimeOffset at)
    {
        var carrierName = Require.Text(carrier, "carrier", 100); // a name ("SF Express"), as on an engineer's shipment
        var tracking = Require.Code(trackingNumber, "tracking_number", 64);
        if (!esdPackaging) throw new InvalidFieldException("esd_packaging", "a board travels only in sealed ESD packaging; confirm it");
        if (Kind == DispositionKind.Scrap)
            throw new RuleViolationException($"disposition {DispositionId} of serial {Serial} is a scrap; a scrap is written off, not shipped");
        Expect(DispositionState.Approved, "shipped");
        return Move(DispositionState.Sent, by, at, $"{carrierName}/{tracking}") with { Shipment = new DispositionShipment(carrierName, tracking, true) };
    }

    /// <summary>The supplier settles a return with a credit note or a replacement (its reference).</summary>
    public Disposition Close(string by, Settlement settlement, string? reference, DateTimeOffset at)
    {
        var text = Require.Code(reference, "reference", 64);
        if (Kind != DispositionKind.ReturnToSupplier)
            throw new RuleViolationException($"disposition {DispositionId} of serial {Serial} is a {Kind.WireName()}; only a return to supplier is closed by the supplier");
        Expect(DispositionState.Sent, "closed");
        return Move(DispositionState.Closed, by, at, $"{settlement.WireName()} {text}") with { Settlement = settlement, SettlementReference = text };
    }

    /// <summary>The repaired unit arrives back at the centre (a receipt), awaiting inspection.</summary>
    public Disposition ReceiveRepaired(string by, DateTimeOffset at)
    {
        RequireRepair("received back");
        Expect(DispositionState.Sent, "received back");
        return Move(DispositionState.Received, by, at, "back from " + Repairer);
    }

    /// <summary>Inspection of the returned unit: good goes to stock, bad back to quarantine (to be scrapped).</summary>
    public Disposition InspectRepaired(string by, bool good, DateTimeOffset at)
    {
        RequireRepair("inspected");
        Expect(DispositionState.Received, "inspected");
        return Move(good ? DispositionState.Repaired : DispositionState.Unrepairable, by, at, good ? "repaired" : "unrepairable");
    }

    private void RequireRepair(string step)
    {
        if (Kind != DispositionKind.Repair)
            throw new RuleViolationException($"disposition {DispositionId} of serial {Serial} is a {Kind.WireName()}; only a repair is {step}");
    }

    private void Expect(DispositionState state, string step)
    {
        if (State != state)
            throw new RuleViolationException($"disposition {DispositionId} of serial {Serial} is {State}; only a {state} one can be {step}");
    }

    private Disposition Move(DispositionState to, string by, DateTimeOffset at, string note) =>
        this with { State = to, History = [.. History, new DispositionStep(State, to, by, at, note)] };

    private static string NotFor(string? value, string field, DispositionKind kind) =>
        string.IsNullOrWhiteSpace(value) ? "" : throw new InvalidFieldException(field, $"does not apply to a {kind.WireName()}");
}

/// <summary>The stock movement a step of a disposition makes (through inventory's scripts and ledger), if any.</summary>
public static class DispositionMoves
{
    public static Stock.MovementKind? Of(Disposition before, Disposition after) => (before.State, after.State) switch
    {
        (DispositionState.Proposed, DispositionState.WrittenOff) => Stock.MovementKind.WrittenOff,
        (DispositionState.Approved, DispositionState.Sent) => after.Kind == DispositionKind.Repair
            ? Stock.MovementKind.SentToRepair : Stock.MovementKind.ReturnedToSupplier,
        (DispositionState.Sent, DispositionState.Received) => Stock.MovementKind.RepairedIn,
        (DispositionState.Received, DispositionState.Repaired) => Stock.MovementKind.RepairedToStock,
        (DispositionState.Received, DispositionState.Unrepairable) => Stock.MovementKind.RepairFailed,
        _ => null,
    };

    /// <summary>Who holds the unit after the movement, as custody names it: the repairer or the supplier ("" otherwise).</summary>
    public static string Counterparty(Disposition d) => d.Kind switch
    {
        DispositionKind.Repair => "repairer:" + d.Repairer,
        DispositionKind.ReturnToSupplier => "supplier:" + d.Supplier,
        _ => "",
    };
}
