namespace Logistics.Inventory.Domain.Counts;

/// <summary>How the stock of a line is kept: unit by unit per bin, or as a quantity for the whole centre.</summary>
public enum CountTracking
{
    /// <summary>Serial-tracked: one line per (bin, part), counted by scanning serials.</summary>
    Serialized,

    /// <summary>Quantity-tracked: one line per part for the whole centre (bin <see cref="CountLineKey.WholeCentre"/>).</summary>
    Quantity,
}

/// <summary>
/// Identifies a line of a count: a bin and a part number. <see cref="WholeCentre"/> ("") as the bin means the whole
/// centre, the only way a quantity-tracked part is kept (Redis holds its stock per centre and part, not per bin).
/// Equality is ordinal on both parts.
/// </summary>
public readonly record struct CountLineKey(string Bin, string PartNumber) : IComparable<CountLineKey>
{
    public const string WholeCentre = "";

    public bool IsWholeCentre => Bin.Length == 0;

    /// <summary>Ordinal by bin, then by part number: the order of every list a count returns.</summary>
    public int CompareTo(CountLineKey other)
    {
        var byBin = string.CompareOrdinal(Bin, other.Bin);
        return byBin != 0 ? byBin : string.CompareOrdinal(PartNumber, other.PartNumber);
    }

    public override string ToString() => IsWholeCentre ? $"(whole centre, {PartNumber})" : $"({Bin}, {PartNumber})";
}

/// <summary>
/// What the books hold for one line when it is snapshotted: a serialized part in one bin with its serials
/// (<paramref name="ExpectedQuantity"/> = number of serials), or a quantity-tracked part for the whole centre
/// (bin "", no serials).
/// </summary>
public sealed record ExpectedLine(string Bin, string PartNumber, CountTracking Tracking, long ExpectedQuantity, IReadOnlyList<string> ExpectedSerials)
{
    public CountLineKey Key => new(Bin, PartNumber);
}

/// <summary>
/// What a counter found for one line: the quantity and, for a serialized part, the serials scanned (a serial scanned
/// twice counts once). Bin "" is the whole centre (quantity-tracked parts).
/// </summary>
public sealed record LineCount(string? Bin, string? PartNumber, long CountedQuantity, IReadOnlyList<string?>? SerialsSeen);

/// <summary>Why a line must be counted again by someone other than its first counter.</summary>
public enum RecountReason
{
    /// <summary>Its variance was beyond the tolerance of the count's policy.</summary>
    BeyondTolerance,

    /// <summary>Stock of it moved during the count: its expected quantity is re-snapshotted and it is counted again.</summary>
    Stale,
}

/// <summary>Where a line stands, as a counter may see it (nothing here reveals an expected quantity).</summary>
public enum CountLineStatus
{
    /// <summary>Not counted yet.</summary>
    ToCount,

    /// <summary>Counted once; no recount asked for (or not yet closed).</summary>
    Counted,

    /// <summary>Needs a recount by someone other than its first counter (and, when stale, a fresh snapshot first).</summary>
    ToRecount,

    /// <summary>Recounted; the recount is the line's count.</summary>
    Recounted,
}

/// <summary>One submission of a line: who, when, what.</summary>
public sealed record LineTally(string CountedBy, long Quantity, IReadOnlyList<string> Serials, DateTimeOffset At);

/// <summary>A line that must be recounted, as <see cref="StockCount.Close"/> reports it (no variance: the count may be blind).</summary>
public sealed record RecountRequest(CountLineKey Line, RecountReason Reason, string? FirstCountedBy);

/// <summary>What closing did: the state the count is now in, and the lines that still need a recount (sorted by bin, then part).</summary>
public sealed record CloseResult(CountState State, IReadOnlyList<RecountRequest> LinesToRecount);

/// <summary>One step of a count's life, for the record.</summary>
public sealed record CountTransition(CountState From, CountState To, DateTimeOffset At, string? By);
