using System.Globalization;
using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>
/// A claim as filed, field by field, unchecked (what the caller sent; null = left out). <see cref="Validate"/> checks
/// every field on its own; <see cref="DoaEligibility"/> then judges it against the delivery and earlier claims.
/// </summary>
/// <param name="DetectedOn">When the failure was detected; left out = now.</param>
/// <param name="FirstPowerOnAt">Required for power-on and within-48h: the window runs from it.</param>
/// <param name="OuterPackagingIntact">Required: false → cause carrier, true → cause doa.</param>
/// <param name="SiteAcceptedAt">When the site passed preliminary acceptance, if it has.</param>
public sealed record DoaFiling(
    string? RequestId,
    string? Serial,
    string? DetectedAt,
    DateTimeOffset? DetectedOn,
    DateTimeOffset? FirstPowerOnAt,
    string? Symptom,
    IReadOnlyList<string>? EvidenceRefs,
    bool? OuterPackagingIntact,
    DateTimeOffset? SiteAcceptedAt)
{
    /// <summary>
    /// Checks each field (INVALID_ARGUMENT naming it) and returns the filing normalised. Times may not lie in the future
    /// (beyond <see cref="DoaPolicy.ClockSkew"/>) nor before <see cref="ClientDates.Earliest"/>; a power-on detection cannot precede the first power-on.
    /// </summary>
    public ValidDoaFiling Validate(DateTimeOffset now, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var requestId = Require.Code(RequestId, "request_id", 64);
        var serial = Serials.Check(Serial, "serial");
        var detectedAt = DoaCodes.ParseDetection(DetectedAt);
        var latest = now + policy.ClockSkew;

        var detectedOn = ClientDates.Check(DetectedOn ?? now, latest, "detected_on");

        if (FirstPowerOnAt is { } firstPowerOn) ClientDates.Check(firstPowerOn, latest, "first_power_on_at");
        if (detectedAt != DetectionPoint.Unboxing)
        {
            if (FirstPowerOnAt is null)
                throw new InvalidFieldException("first_power_on_at", $"is required when detected_at is {detectedAt.Code()} (the window runs from it)");
            if (detectedOn < FirstPowerOnAt)
                throw new InvalidFieldException("detected_on", $"{Show(detectedOn)} is before first_power_on_at {Show(FirstPowerOnAt.Value)}");
        }

        var symptom = Require.Text(Symptom, "symptom", policy.MaxTextLength);

        var evidence = (EvidenceRefs ?? []).Select(r => Require.Code(r, "evidence_refs", policy.MaxEvidenceRefLength)).ToList();
        if (evidence.Count > policy.MaxEvidenceRefs)
            throw new InvalidFieldException("evidence_refs", $"{evidence.Count} references given; at most {policy.MaxEvidenceRefs}");
        var repeated = evidence.GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InvalidFieldException("evidence_refs", $"'{repeated.Key}' is listed more than once");

        var cause = OuterPackagingIntact switch
        {
            true => DoaCause.Doa,
            false => DoaCause.Carrier,
            null => throw new InvalidFieldException("outer_packaging_intact", "is required (false points to the carrier, true with a dead unit is a DOA)"),
        };

        if (SiteAcceptedAt is { } accepted) ClientDates.Check(accepted, latest, "site_accepted_at");

        return new ValidDoaFiling(requestId, serial, detectedAt, detectedOn, FirstPowerOnAt, symptom, evidence, cause, SiteAcceptedAt);
    }

    /// <summary>A time as messages show it: ISO 8601 in UTC, to the second.</summary>
    internal static string Show(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A filing whose fields are each valid (<see cref="DoaFiling.Validate"/>).</summary>
public sealed record ValidDoaFiling(
    string RequestId,
    string Serial,
    DetectionPoint DetectedAt,
    DateTimeOffset DetectedOn,
    DateTimeOffset? FirstPowerOnAt,
    string Symptom,
    IReadOnlyList<string> EvidenceRefs,
    DoaCause Cause,
    DateTimeOffset? SiteAcceptedAt);
