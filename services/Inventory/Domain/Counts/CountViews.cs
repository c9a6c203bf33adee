namespace Logistics.Inventory.Domain.Counts;

/// <summary>The role a viewer acts in (from their token): warehouse staff count, supervisors review and approve.</summary>
public enum CountRole
{
    Warehouse,
    Supervisor,
}

/// <summary>Who is looking at a count.</summary>
public sealed record CountViewer(string UserId, CountRole Role);

/// <summary>
/// A count as someone may see it: either a <see cref="CountSheet"/> (no expected values at all) or a
/// <see cref="CountReview"/> (expected values, variances). <see cref="StockCount.View"/> picks the one the viewer may see.
/// </summary>
public abstract record CountView(
    string CountId,
    string CentreId,
    CountScopeKind ScopeKind,
    IReadOnlyList<string> Bins,
    IReadOnlyList<string> PartNumbers,
    bool Blind,
    CountState State);

/// <summary>
/// The counter-facing projection. It has no expected quantity, no expected serial and no variance: the type cannot
/// leak them whatever the API does with it. It does not show other people's counted values either (a recount is
/// independent of the first count): only the viewer's own.
/// </summary>
public sealed record CountSheet(
    string CountId,
    string CentreId,
    CountScopeKind ScopeKind,
    IReadOnlyList<string> Bins,
    IReadOnlyList<string> PartNumbers,
    bool Blind,
    CountState State,
    IReadOnlyList<CountSheetLine> Lines)
    : CountView(CountId, CentreId, ScopeKind, Bins, PartNumbers, Blind, State);

/// <summary>
/// A line on the count sheet. <paramref name="YourCount"/> is the viewer's own latest submission for the line
/// (the recount if they made it, else their first count), null when they submitted none.
/// </summary>
public sealed record CountSheetLine(
    string Bin,
    string PartNumber,
    CountTracking Tracking,
    CountLineStatus Status,
    bool Stale,
    string? CountedBy,
    string? RecountedBy,
    LineTally? YourCount);

/// <summary>The supervisor-facing projection: expected values, what was counted, variances. Only <see cref="StockCount.Review"/> makes one.</summary>
public sealed record CountReview(
    string CountId,
    string CentreId,
    CountScopeKind ScopeKind,
    IReadOnlyList<string> Bins,
    IReadOnlyList<string> PartNumbers,
    bool Blind,
    CountState State,
    IReadOnlyList<ReviewLine> Lines)
    : CountView(CountId, CentreId, ScopeKind, Bins, PartNumbers, Blind, State);

/// <summary>
/// A line with its expected values. Counted quantity, variance and serial differences are those of the recount when
/// there is one (it replaces the first count), null/empty while the line is not counted.
/// <paramref name="WithinTolerance"/> is judged on that count with the count's policy.
/// </summary>
public sealed record ReviewLine(
    string Bin,
    string PartNumber,
    CountTracking Tracking,
    bool Unexpected,
    long ExpectedQuantity,
    IReadOnlyList<string> ExpectedSerials,
    LineTally? FirstCount,
    LineTally? Recount,
    long? CountedQuantity,
    long? Variance,
    IReadOnlyList<string> MissingSerials,
    IReadOnlyList<string> UnexpectedSerials,
    bool? WithinTolerance,
    RecountReason? RecountReason,
    bool Stale,
    string? ReasonCode);
