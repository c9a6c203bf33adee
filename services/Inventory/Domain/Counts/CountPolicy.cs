using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Counts;

/// <summary>
/// The settings a stock count runs under. Every number is a default a deployment can change (docs/domain.md):
/// nothing below is a constant buried in the rules. A count keeps the policy it was opened with, so a setting
/// changed while a count is open does not change how that count is judged.
/// </summary>
/// <param name="QuantityTolerancePercent">
/// How far a quantity-tracked line may be off before it needs a recount, in percent of the expected quantity
/// (default 2: expected 100, counted 98 or 102 is accepted, 97 or 103 is recounted). An expected 0 tolerates nothing.
/// </param>
/// <param name="SerializedTolerancePercent">The same for serial-tracked lines (default 0: any variance is recounted).</param>
/// <param name="RecountSerialMismatch">
/// A serial-tracked line whose quantity matches but whose serials differ (one missing, another unexpected)
/// needs a recount too (default true: for serialized parts any variance counts, serials included).
/// </param>
/// <param name="BlindByDefault">A count opened without saying is blind (default true).</param>
/// <param name="ReasonCodes">The reason codes an approver may give an adjustment.</param>
/// <param name="FoundReason">The reason given to a positive adjustment when the approver names none (default <c>found</c>).</param>
/// <param name="MissingReason">The reason given to a negative adjustment when the approver names none (default <c>missing</c>).</param>
/// <param name="SerialMismatchReason">
/// The reason given to an adjustment whose quantity is unchanged but whose serials differ (the books hold the wrong
/// serial) when the approver names none (default <c>data-entry-error</c>).
/// </param>
/// <param name="MaxScopeEntries">At most this many bins or part numbers in one count's scope.</param>
/// <param name="MaxLinesPerBatch">At most this many lines in one submitted batch.</param>
/// <param name="MaxSerialsPerLine">At most this many distinct serials in one counted line.</param>
public sealed record CountPolicy(
    decimal QuantityTolerancePercent,
    decimal SerializedTolerancePercent,
    bool RecountSerialMismatch,
    bool BlindByDefault,
    IReadOnlyList<string> ReasonCodes,
    string FoundReason,
    string MissingReason,
    string SerialMismatchReason,
    int MaxScopeEntries,
    int MaxLinesPerBatch,
    int MaxSerialsPerLine)
{
    public static readonly IReadOnlyList<string> DefaultReasonCodes = ["damaged", "found", "missing", "misplaced", "data-entry-error"];

    /// <summary>The defaults of docs/domain.md: 2% for quantity-tracked parts, any variance for serialized parts, blind.</summary>
    public static CountPolicy Default { get; } = new(
        QuantityTolerancePercent: 2m,
        SerializedTolerancePercent: 0m,
        RecountSerialMismatch: true,
        BlindByDefault: true,
        ReasonCodes: DefaultReasonCodes,
        FoundReason: "found",
        MissingReason: "missing",
        SerialMismatchReason: "data-entry-error",
        MaxScopeEntries: 10_000,
        MaxLinesPerBatch: 1_000,
        MaxSerialsPerLine: 10_000);

    /// <summary>The policy itself, after checking it is coherent (a misconfigured deployment fails loudly, naming the setting).</summary>
    public CountPolicy Validated()
    {
        if (QuantityTolerancePercent is < 0m or > 100m)
            throw new InvalidFieldException("quantity_tolerance_percent", $"must be between 0 and 100 (was {QuantityTolerancePercent})");
        if (SerializedTolerancePercent is < 0m or > 100m)
            throw new InvalidFieldException("serialized_tolerance_percent", $"must be between 0 and 100 (was {SerializedTolerancePercent})");
        if (ReasonCodes is null || ReasonCodes.Count == 0)
            throw new InvalidFieldException("reason_codes", "at least one reason code is needed");
        foreach (var code in ReasonCodes) Require.Code(code, "reason_codes");
        foreach (var (field, code) in new[] { ("found_reason", FoundReason), ("missing_reason", MissingReason), ("serial_mismatch_reason", SerialMismatchReason) })
        {
            if (!ReasonCodes.Contains(code, StringComparer.Ordinal))
                throw new InvalidFieldException(field, $"'{code}' is not one of the reason codes ({string.Join(", ", ReasonCodes)})");
        }
        Require.Positive(MaxScopeEntries, "max_scope_entries");
        Require.Positive(MaxLinesPerBatch, "max_lines_per_batch");
        Require.Positive(MaxSerialsPerLine, "max_serials_per_line");
        return this;
    }

    /// <summary>Whether |variance| is within <paramref name="percent"/> % of <paramref name="expected"/> (exact decimal arithmetic, boundary included).</summary>
    internal static bool WithinPercent(long variance, long expected, decimal percent) =>
        Math.Abs((decimal)variance) * 100m <= percent * expected;
}
