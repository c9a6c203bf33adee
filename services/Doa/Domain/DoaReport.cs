using System.Globalization;
using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>The deliveries the report covers: signed for at or after <see cref="From"/> and before <see cref="To"/>.</summary>
public sealed record DoaReportRange(DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7 * 12);
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(731);
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>`to` defaults to now, `from` to 12 weeks before `to`; at most 2 years, `to` after `from`.</summary>
    public static DoaReportRange Define(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now)
    {
        var end = to ?? now;
        var start = from ?? end - DefaultLength;
        if (start < Earliest) throw new InvalidFieldException("from", "must not be before 2000-01-01");
        if (end <= start) throw new InvalidFieldException("to", "must be after from");
        if (end - start > MaxLength) throw new InvalidFieldException("to", "the range is at most 2 years (731 days)");
        return new DoaReportRange(start.ToUniversalTime(), end.ToUniversalTime());
    }

    /// <summary>The Monday (UTC) of every ISO week the range touches, oldest first.</summary>
    public IReadOnlyList<DateOnly> Weeks()
    {
        var first = DoaReport.WeekStart(From);
        var last = DoaReport.WeekStart(To.AddTicks(-1));
        var weeks = new List<DateOnly>();
        for (var w = first; w <= last; w = w.AddDays(7)) weeks.Add(w);
        return weeks;
    }
}

/// <summary>
/// A group of deliveries (<see cref="Cause"/> empty) or of claims on them (<see cref="Cause"/> = the claim's cause), as
/// the query counts them: by the ISO week of the delivery, part, centre, supplier and batch ("" when unknown).
/// </summary>
public sealed record DoaFact(bool IsClaim, DateOnly WeekStart, string PartNumber, string CentreId, string Supplier, string Batch, string Cause, long Count);

/// <summary>One flat figure: deliveries, the claims on them and claims per 100 deliveries (0 without deliveries).</summary>
public sealed record DoaRate(string Key, long Deliveries, long Claims, string WeekStart = "", string PartNumber = "")
{
    public double RatePer100 => Deliveries == 0 ? 0 : Math.Round(Claims * 100.0 / Deliveries, 2, MidpointRounding.AwayFromZero);
}

public sealed record DoaCauseCount(string Cause, long Claims);

/// <summary>
/// The DOA report, rolled up from <see cref="DoaFact"/>s. A claim counts in the week its unit was delivered (a cohort:
/// the share of that week's deliveries that came dead), so a rate never mixes one week's claims with another's deliveries.
/// </summary>
public sealed record DoaReport(
    DoaReportRange Range, long Deliveries, long Claims, IReadOnlyList<DoaRate> Weeks, IReadOnlyList<DoaRate> ByPart,
    IReadOnlyList<DoaRate> ByCentre, IReadOnlyList<DoaRate> BySupplier, IReadOnlyList<DoaRate> ByBatch, IReadOnlyList<DoaCauseCount> Causes)
{
    public const string Unknown = "unknown";

    public double RatePer100 => new DoaRate("", Deliveries, Claims).RatePer100;

    /// <summary>The Monday (UTC) of the ISO week <paramref name="at"/> falls in.</summary>
    public static DateOnly WeekStart(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    public static string WeekLabel(DateOnly monday)
    {
        var date = monday.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date):D4}-W{ISOWeek.GetWeekOfYear(date):D2}");
    }

    public static DoaReport Build(DoaReportRange range, IReadOnlyCollection<DoaFact> facts)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(facts);
        var weeks = range.Weeks()
            .Select(w => Rate(WeekLabel(w), facts.Where(f => f.WeekStart == w)) with { WeekStart = w.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })
            .ToList();
        return new DoaReport(
            range,
            facts.Where(f => !f.IsClaim).Sum(f => f.Count),
            facts.Where(f => f.IsClaim).Sum(f => f.Count),
            weeks,
            By(facts, f => f.PartNumber),
            By(facts, f => f.CentreId),
            By(facts, f => Known(f.Supplier)),
            facts.GroupBy(f => (f.PartNumber, Batch: Known(f.Batch)))
                .Select(g => Rate(g.Key.Batch, g) with { PartNumber = g.Key.PartNumber })
                .OrderByDescending(r => r.RatePer100).ThenBy(r => r.PartNumber, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)
                .ToList(),
            facts.Where(f => f.IsClaim).GroupBy(f => Known(f.Cause))
                .Select(g => new DoaCauseCount(g.Key, g.Sum(f => f.Count)))
                .OrderByDescending(c => c.Claims).ThenBy(c => c.Cause, StringComparer.Ordinal)
                .ToList());
    }

    private static List<DoaRate> By(IEnumerable<DoaFact> facts, Func<DoaFact, string> key) =>
        facts.GroupBy(key)
            .Select(g => Rate(g.Key, g))
            .OrderByDescending(r => r.RatePer100).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    private static DoaRate Rate(string key, IEnumerable<DoaFact> facts)
    {
        long deliveries = 0, claims = 0;
        foreach (var f in facts)
            if (f.IsClaim) claims += f.Count;
            else deliveries += f.Count;
        return new DoaRate(key, deliveries, claims);
    }

    private static string Known(string value) => string.IsNullOrEmpty(value) ? Unknown : value;
}
