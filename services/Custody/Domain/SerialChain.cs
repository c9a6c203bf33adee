namespace Logistics.Custody.Domain;

/// <summary>
/// Where a serial is after its events, in business order: who holds it, where, in what disposition and packaging.
/// <see cref="Consignor"/> is set while the serial is in transit (after a shipping event): the party that sent it.
/// </summary>
public sealed record SerialState(
    string Serial,
    string PartNumber,
    string Holder,
    string Location,
    Disposition? Disposition,
    string Packaging,
    string Consignor)
{
    public bool InTransit => Consignor != "";
}

/// <summary>The state after a serial's events, and every break found along them.</summary>
public sealed record ChainResult(SerialState? State, IReadOnlyList<DetectedAnomaly> Anomalies);

/// <summary>
/// The chain of custody of one serial, as a pure function of its events (invariant 3: one current holder and
/// location; each event's "from" is the previous "to", or an anomaly is raised).
/// <list type="bullet">
/// <item>Business order is (occurred_at, sequence): an event that arrives late takes its place by its own time.</item>
/// <item>An event some in-effect event corrects is out of the chain: it neither moves the serial nor is checked.</item>
/// <item>Who may hand a serial over: its holder; while it is in transit also the party that shipped it and the
/// carrier (a receiving event confirms a shipment by naming its sender, as EPCIS receiving echoes the shipping's
/// source). A serial whose holder is <see cref="Parties.Unknown"/> (missing at a count) may come from anyone.</item>
/// <item>A receiving from someone who may not hand it over is <see cref="AnomalyKind.SerialInTwoPlaces"/> when the
/// serial sits somewhere (not in transit): it arrives here while custody has it there. Otherwise it is
/// <see cref="AnomalyKind.HandoverFromNonHolder"/>. An observation that puts the serial with a new party (found at a
/// count) while it is held by another is <see cref="AnomalyKind.SerialInTwoPlaces"/> too.</item>
/// <item>The first event of a serial is never a break: custody starts wherever it first hears of it.</item>
/// </list>
/// </summary>
public static class SerialChain
{
    public static IReadOnlyList<CustodyEvent> InBusinessOrder(IEnumerable<CustodyEvent> events) =>
        events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence).ToList();

    /// <summary>
    /// The ids of the events declared wrong by an event still in effect. Walked newest arrival first: a correction that
    /// is itself corrected declares nothing, so correcting a correction restores what it had voided.
    /// </summary>
    public static IReadOnlySet<string> CorrectedEventIds(IEnumerable<CustodyEvent> events)
    {
        var corrected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events.OrderByDescending(e => e.Sequence))
            if (e.IsCorrection && !corrected.Contains(e.EventId)) corrected.Add(e.Corrects);
        return corrected;
    }

    /// <summary>Replays a serial's events (any order given) into its current state and the breaks along the way.</summary>
    public static ChainResult Replay(IEnumerable<CustodyEvent> events)
    {
        var all = events.ToList();
        var corrected = CorrectedEventIds(all);
        SerialState? state = null;
        var anomalies = new List<DetectedAnomaly>();
        foreach (var e in InBusinessOrder(all))
        {
            if (corrected.Contains(e.EventId)) continue;
            if (Check(state, e) is { } anomaly) anomalies.Add(anomaly);
            state = Apply(state, e);
        }
        return new ChainResult(state, anomalies);
    }

    /// <summary>The state after one more event (which must come last in business order).</summary>
    public static SerialState Apply(SerialState? state, CustodyEvent e)
    {
        var before = state ?? new SerialState(e.Serial, e.PartNumber, "", "", null, "", "");
        var moved = e.ToParty != "";
        return before with
        {
            PartNumber = before.PartNumber != "" ? before.PartNumber : e.PartNumber,
            Holder = moved ? e.ToParty : before.Holder,
            Location = e.ToLocation != "" ? e.ToLocation : before.Location,
            Disposition = e.Disposition ?? before.Disposition,
            Packaging = e.Packaging != "" ? e.Packaging : before.Packaging,
            Consignor = e.Step == BusinessStep.Shipping && e.FromParty != "" ? e.FromParty
                : moved ? ""
                : before.Consignor,
        };
    }

    /// <summary>The break, if any, of appending <paramref name="e"/> after <paramref name="before"/>.</summary>
    public static DetectedAnomaly? Check(SerialState? before, CustodyEvent e)
    {
        if (before is null || before.Holder == "" || before.Holder == Parties.Unknown) return null;
        if (!e.IsHandover)
        {
            return e.ToParty != "" && e.ToParty != before.Holder
                ? new DetectedAnomaly(AnomalyKind.SerialInTwoPlaces, e.Serial,
                    $"{e.Step.WireName()} puts serial {e.Serial} with {e.ToParty} at {Where(e.ToLocation)} while {before.Holder} holds it at {Where(before.Location)}",
                    e.Reference, e.EventId)
                : null;
        }
        if (MayHandOver(before, e.FromParty)) return null;
        if (e.Step == BusinessStep.Receiving && !before.InTransit)
        {
            return new DetectedAnomaly(AnomalyKind.SerialInTwoPlaces, e.Serial,
                $"serial {e.Serial} is received by {e.ToParty} from {e.FromParty} while {before.Holder} holds it at {Where(before.Location)}",
                e.Reference, e.EventId);
        }
        return new DetectedAnomaly(AnomalyKind.HandoverFromNonHolder, e.Serial,
            $"{e.Step.WireName()} of serial {e.Serial} from {e.FromParty}, but {before.Holder} holds it"
            + (before.InTransit ? $" (in transit from {before.Consignor})" : $" at {Where(before.Location)}"),
            e.Reference, e.EventId);
    }

    /// <summary>
    /// A party declares it has the serial in hand (a receipt lists it although it was not shipped on the reference):
    /// a break when custody has it held by another party and not on its way to this one.
    /// </summary>
    public static DetectedAnomaly? CheckPresence(SerialState? state, string serial, string party, string location, string reference)
    {
        if (state is null || state.Holder == "" || state.Holder == Parties.Unknown || state.Holder == party) return null;
        return new DetectedAnomaly(AnomalyKind.SerialInTwoPlaces, serial,
            $"{party} declares serial {serial} at {Where(location)} while {state.Holder} holds it at {Where(state.Location)}"
            + (state.InTransit ? $" (in transit from {state.Consignor})" : ""),
            reference);
    }

    private static bool MayHandOver(SerialState before, string from) =>
        from == before.Holder || (before.InTransit && (from == before.Consignor || from == Parties.Carrier));

    private static string Where(string location) => location == "" ? "an unknown place" : location;
}
