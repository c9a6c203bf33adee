using Logistics.SharedKernel;

namespace Logistics.Custody.Domain;

/// <summary>
/// One custody event of one serial (after GS1 EPCIS): when, what step, from whom and where to whom and where, the
/// disposition after it, the packaging, and the business document. Empty party, location, disposition or packaging
/// means "as before" (EPCIS leaves them out), so an observation such as an inspection moves nothing.
/// Events are never changed: a mistake is corrected by a later event whose <see cref="Corrects"/> names the wrong one.
/// <see cref="Sequence"/> is the serial's arrival counter (0 until stored); history is ordered by
/// (<see cref="OccurredAt"/>, <see cref="Sequence"/>), the business order, not by arrival.
/// </summary>
public sealed record CustodyEvent(
    string EventId,
    string Serial,
    string PartNumber,
    DateTimeOffset OccurredAt,
    BusinessStep Step,
    string FromParty,
    string FromLocation,
    string ToParty,
    string ToLocation,
    Disposition? Disposition,
    string Packaging,
    string Reference,
    string Corrects,
    string SourceEventId,
    long Sequence = 0)
{
    /// <summary>The event names who handed the serial over; an observation (a found serial, a claim decision) names nobody.</summary>
    public bool IsHandover => FromParty != "";

    public bool IsCorrection => Corrects != "";
}

/// <summary>Custody event ids: made from the integration event they came from, so a redelivery makes the same id.</summary>
public static class CustodyEventIds
{
    public static string For(string sourceEventId, string serial, BusinessStep step) =>
        "CE-" + Fingerprint.Hex("custody-event", sourceEventId, serial, step.WireName())[..32];

    /// <summary>The id of the event that declares <paramref name="wrongEventId"/> wrong, on behalf of <paramref name="sourceEventId"/>.</summary>
    public static string Correction(string sourceEventId, string serial, string wrongEventId) =>
        "CE-" + Fingerprint.Hex("custody-correction", sourceEventId, serial, wrongEventId)[..32];
}
