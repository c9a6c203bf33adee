using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Custody.Domain;

/// <summary>Kinds of break in a chain of custody. Wire names: <see cref="CustodyAnomalyKinds"/>.</summary>
public enum AnomalyKind
{
    /// <summary>An event's "from" is not the party that held the serial at that point (invariant 3).</summary>
    HandoverFromNonHolder,

    /// <summary>A serial is received or found at a place while custody has it held somewhere else, not on its way there.</summary>
    SerialInTwoPlaces,

    /// <summary>A faulty part's return went overdue, was escalated or is marked unreturned (invariant 4).</summary>
    FaultyPartOverdue,

    /// <summary>A swap removed a faulty serial and no return was opened for it within the grace period (invariant 4).</summary>
    SwapWithoutReturn,

    /// <summary>A part came back to a centre outside a sealed ESD bag or in a damaged outer box.</summary>
    PackagingNonCompliant,
}

public static class AnomalyKinds
{
    private static readonly Dictionary<AnomalyKind, string> Names = new()
    {
        [AnomalyKind.HandoverFromNonHolder] = CustodyAnomalyKinds.HandoverFromNonHolder,
        [AnomalyKind.SerialInTwoPlaces] = CustodyAnomalyKinds.SerialInTwoPlaces,
        [AnomalyKind.FaultyPartOverdue] = CustodyAnomalyKinds.FaultyPartOverdue,
        [AnomalyKind.SwapWithoutReturn] = CustodyAnomalyKinds.SwapWithoutReturn,
        [AnomalyKind.PackagingNonCompliant] = CustodyAnomalyKinds.PackagingNonCompliant,
    };

    public static string WireName(this AnomalyKind kind) => Names[kind];

    /// <summary>For API input: the kind, or <see cref="InvalidFieldException"/> naming <paramref name="field"/>.</summary>
    public static AnomalyKind Parse(string? name, string field = "kind") =>
        Names.FirstOrDefault(pair => pair.Value == name?.Trim()) is { Value: not null } found
            ? found.Key
            : throw new InvalidFieldException(field, $"'{name}' is not an anomaly kind ({string.Join(", ", Names.Values)})");
}

/// <summary>
/// A break found in a serial's chain. <see cref="EventId"/> is the custody event it concerns ("" when it comes from a
/// business event rather than the chain). The id is made from kind, serial, reference and event, so finding the same
/// break again (a redelivery, a replay of the chain) records nothing new.
/// </summary>
public sealed record DetectedAnomaly(AnomalyKind Kind, string Serial, string Detail, string Reference, string EventId = "")
{
    public string AnomalyId => "AN-" + Fingerprint.Hex("custody-anomaly", Kind.WireName(), Serial, Reference, EventId)[..32];
}
