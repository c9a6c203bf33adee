using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Domain.Counts;

/// <summary>
/// One line of a count, as the count keeps it. Internal on purpose: the expected quantity and serials leave the
/// count only through <see cref="StockCount.Review"/> (which enforces blindness) and the adjustments.
/// </summary>
internal sealed class CountLine(CountLineKey key, CountTracking tracking, bool unexpected)
{
    public CountLineKey Key { get; } = key;
    public CountTracking Tracking { get; } = tracking;

    /// <summary>Not in the snapshot taken when counting started: a find (or stock that moved into the scope during counting).</summary>
    public bool Unexpected { get; } = unexpected;

    public long ExpectedQuantity { get; private set; }

    /// <summary>Sorted ordinal, distinct.</summary>
    public IReadOnlyList<string> ExpectedSerials { get; private set; } = [];

    /// <summary>Stock of the line moved during the count and its expected quantity has not been re-snapshotted since.</summary>
    public bool Stale { get; set; }

    /// <summary>Set when closing the first count (or when the line goes stale while Recounting): the line must be recounted.</summary>
    public RecountReason? RecountReason { get; set; }

    public LineTally? First { get; set; }
    public LineTally? Recount { get; set; }

    /// <summary>The reason code the approver gave (or the default), once approved.</summary>
    public string? ReasonCode { get; set; }

    /// <summary>The count that stands for the line: the recount replaces the first count.</summary>
    public LineTally? Effective => Recount ?? First;

    public void Expect(long quantity, IReadOnlyList<string> serials)
    {
        ExpectedQuantity = quantity;
        ExpectedSerials = serials;
    }

    public CountLineStatus Status => this switch
    {
        { Recount: not null } => CountLineStatus.Recounted,
        { RecountReason: not null } => CountLineStatus.ToRecount,
        { First: not null } => CountLineStatus.Counted,
        _ => CountLineStatus.ToCount,
    };

    /// <summary>Counted − expected, with the serials expected but not seen and seen but not expected (each sorted ordinal).</summary>
    public LineVariance Variance()
    {
        var counted = Effective ?? throw new InvalidOperationException($"line {Key} is not counted");
        var delta = counted.Quantity - ExpectedQuantity;
        if (Tracking == CountTracking.Quantity) return new LineVariance(delta, [], []);

        // Both lists are sorted ordinal and distinct: one merge pass, no allocation when they agree.
        var expected = ExpectedSerials;
        var seen = counted.Serials;
        List<string>? missing = null, found = null;
        int e = 0, s = 0;
        while (e < expected.Count || s < seen.Count)
        {
            var order = e == expected.Count ? 1 : s == seen.Count ? -1 : string.CompareOrdinal(expected[e], seen[s]);
            if (order == 0) { e++; s++; }
            else if (order < 0) (missing ??= []).Add(expected[e++]);
            else (found ??= []).Add(seen[s++]);
        }
        return new LineVariance(delta, missing ?? (IReadOnlyList<string>)[], found ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>Serials checked one by one, sorted ordinal; a serial listed twice is reported through <paramref name="twice"/> (null: kept once).</summary>
    public static IReadOnlyList<string> SortedSerials(IReadOnlyList<string?> raw, string field, Action<string>? twice)
    {
        var serials = new string[raw.Count];
        for (var i = 0; i < raw.Count; i++) serials[i] = StockFields.Serial(raw[i], field);
        Array.Sort(serials, StringComparer.Ordinal);
        var distinct = 0;
        for (var i = 0; i < serials.Length; i++)
        {
            if (distinct > 0 && serials[i] == serials[distinct - 1])
            {
                twice?.Invoke(serials[i]);
                continue;
            }
            serials[distinct++] = serials[i];
        }
        return Array.AsReadOnly(distinct == serials.Length ? serials : serials[..distinct]); // read-only: callers cannot cast and edit
    }

    public bool WithinTolerance(LineVariance variance, CountPolicy policy) => Tracking switch
    {
        CountTracking.Quantity => CountPolicy.WithinPercent(variance.Delta, ExpectedQuantity, policy.QuantityTolerancePercent),
        _ => CountPolicy.WithinPercent(variance.Delta, ExpectedQuantity, policy.SerializedTolerancePercent)
             && !(policy.RecountSerialMismatch && variance.HasSerialDifference),
    };
}

/// <summary>How a counted line differs from the books.</summary>
internal sealed record LineVariance(long Delta, IReadOnlyList<string> MissingSerials, IReadOnlyList<string> UnexpectedSerials)
{
    public bool HasSerialDifference => MissingSerials.Count > 0 || UnexpectedSerials.Count > 0;
    public bool Any => Delta != 0 || HasSerialDifference;
}
