namespace Logistics.Custody.Domain;

/// <summary>The good serial that took the place of a faulty one (a swap, or a DOA replacement).</summary>
public sealed record SerialPair(string FaultySerial, string GoodSerial, string Reference, DateTimeOffset PairedAt);

/// <summary>A swap removed <paramref name="Serial"/>: a return must be opened for it (invariant 4).</summary>
public sealed record SwapAwaitingReturn(string Serial, string RequestId, DateTimeOffset InstalledAt);

/// <summary>Returns opened the return of <paramref name="Serial"/> for the swap of <paramref name="RequestId"/>.</summary>
public sealed record ReturnOpened(string Serial, string RequestId, DateTimeOffset OpenedAt);

/// <summary>One side of a DOA claim's pair: the dead unit (from the approval) or its replacement (from the shipment).</summary>
public sealed record DoaUnit(string ClaimId, string Serial, DateTimeOffset At);

/// <summary>A party declares it has a serial in hand without a custody event for it (a receipt discrepancy).</summary>
public sealed record PresenceClaim(string Serial, string Party, string Location, string Reference);

/// <summary>
/// A correcting receipt withdrew <paramref name="Serial"/>: the custody events of <paramref name="WrongReference"/>
/// for it are declared wrong by new events (with <paramref name="CorrectionReference"/>, at <paramref name="At"/>).
/// </summary>
public sealed record Withdrawal(string Serial, string PartNumber, string WrongReference, BusinessStep Step, string CorrectionReference,
    DateTimeOffset At, string SourceEventId);

/// <summary>What one integration event means for custody. Each list is empty unless the event says so.</summary>
public sealed record Translation
{
    public static readonly Translation Nothing = new();

    public IReadOnlyList<CustodyEvent> Events { get; init; } = [];
    public IReadOnlyList<DetectedAnomaly> Anomalies { get; init; } = [];
    public IReadOnlyList<SerialPair> Pairs { get; init; } = [];
    public IReadOnlyList<SwapAwaitingReturn> SwapsAwaitingReturn { get; init; } = [];
    public IReadOnlyList<ReturnOpened> ReturnsOpened { get; init; } = [];
    public IReadOnlyList<DoaUnit> DoaDeadUnits { get; init; } = [];
    public IReadOnlyList<DoaUnit> DoaReplacements { get; init; } = [];
    public IReadOnlyList<PresenceClaim> PresenceClaims { get; init; } = [];
    public IReadOnlyList<Withdrawal> Withdrawals { get; init; } = [];

    public IEnumerable<string> SerialsTouched =>
        Events.Select(e => e.Serial).Concat(PresenceClaims.Select(p => p.Serial)).Concat(Withdrawals.Select(w => w.Serial))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}

/// <summary>
/// The void that declares <paramref name="wrong"/> wrong: it names the wrong event and restates nothing (no parties,
/// location, disposition or packaging), so the chain is replayed as if the wrong event had not happened.
/// </summary>
public static class Corrections
{
    public static CustodyEvent Void(CustodyEvent wrong, string reference, DateTimeOffset at, string sourceEventId) => new(
        CustodyEventIds.Correction(sourceEventId, wrong.Serial, wrong.EventId), wrong.Serial, wrong.PartNumber, at, wrong.Step,
        "", "", "", "", null, "", reference, wrong.EventId, sourceEventId);
}
