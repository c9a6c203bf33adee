using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>
/// The settings of DOA claims (docs/domain.md "DOA claim"; every number is a default a deployment can change).
/// </summary>
/// <param name="Window">
/// How long after delivery (unboxing) or after first power-on (power-on, within-48h) a failure is still a DOA
/// (default 48 h; setting <c>Doa:Window</c>, e.g. <c>2.00:00:00</c>). The last moment is inside. Elapsed hours: weekends and
/// holidays count (docs/time.md).
/// </param>
/// <param name="BeforeSigning">
/// How long before the receipt was signed (the delivery time) the failure may have been detected or the unit first powered
/// on (default 24 h): the unboxing check, power-on included, is done with the customer before the unboxing report is signed
/// (docs/domain.md). Anything earlier cannot be true of that delivery.
/// </param>
/// <param name="ClockSkew">How far in the future a client's timestamp may be before it is refused as "in the future" (default 1 minute).</param>
/// <param name="MaxEvidenceRefs">At most this many evidence references on a claim (default 20).</param>
/// <param name="MaxEvidenceRefLength">The longest evidence reference, a code (default 64).</param>
/// <param name="MaxTextLength">The longest symptom, rejection reason or inspection note (default 1000).</param>
public sealed record DoaPolicy(TimeSpan Window, TimeSpan BeforeSigning, TimeSpan ClockSkew, int MaxEvidenceRefs, int MaxEvidenceRefLength, int MaxTextLength)
{
    /// <summary>At most this many evidence files on a claim (default 10).</summary>
    public int MaxEvidenceFiles { get; init; } = 10;

    /// <summary>The largest evidence file (default 10 MiB).</summary>
    public int MaxEvidenceFileBytes { get; init; } = 10 * 1024 * 1024;

    public static DoaPolicy Default { get; } = new(TimeSpan.FromHours(48), TimeSpan.FromHours(24), TimeSpan.FromMinutes(1), 20, 64, 1000);

    /// <summary>The policy itself, after checking it is coherent (a misconfigured deployment fails loudly, naming the setting).</summary>
    public DoaPolicy Validated()
    {
        if (Window <= TimeSpan.Zero) throw new InvalidFieldException("window", $"must be positive (was {Window})");
        if (BeforeSigning < TimeSpan.Zero) throw new InvalidFieldException("before_signing", $"must not be negative (was {BeforeSigning})");
        if (ClockSkew < TimeSpan.Zero) throw new InvalidFieldException("clock_skew", $"must not be negative (was {ClockSkew})");
        Require.Positive(MaxEvidenceRefs, "max_evidence_refs");
        Require.Positive(MaxEvidenceRefLength, "max_evidence_ref_length");
        Require.Positive(MaxTextLength, "max_text_length");
        Require.Positive(MaxEvidenceFiles, "max_evidence_files");
        Require.Positive(MaxEvidenceFileBytes, "max_evidence_file_bytes");
        return this;
    }

    /// <summary>The window for messages, e.g. "48 h".</summary>
    internal string WindowText => Hours(Window);

    internal static string Hours(TimeSpan span) => span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} h" : $"{span.TotalMinutes:0} min";
}
