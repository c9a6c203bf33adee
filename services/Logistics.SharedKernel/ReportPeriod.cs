using System.Globalization;

namespace Logistics.SharedKernel;

/// <summary>
/// The days a report covers: <see cref="From"/> to <see cref="To"/>, both included, as calendar dates (each report says
/// in whose zone a date is read). Given as <c>yyyy-MM-dd</c>; either may be left out (<see cref="Parse"/>). Bounded, so
/// no report scans more than <see cref="MaxDays"/> days of records.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>
    /// The period asked for. Without <c>to</c>: <paramref name="today"/>; without <c>from</c>: <paramref name="defaultDays"/>
    /// days ending at <c>to</c>. A malformed date, <c>from</c> after <c>to</c>, or more than <see cref="MaxDays"/> days is
    /// refused naming the field; dates before <see cref="ClientDates.Earliest"/> or more than a year ahead are refused too.
    /// </summary>
    public static ReportPeriod Parse(string? from, string? to, DateOnly today, int defaultDays)
    {
        var end = string.IsNullOrEmpty(to) ? today : Date(to, "to", today);
        var start = string.IsNullOrEmpty(from) ? end.AddDays(1 - defaultDays) : Date(from, "from", today);
        if (start > end) throw new InvalidFieldException("from", $"{Show(start)} is after to ({Show(end)})");
        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
            throw new InvalidFieldException("from", $"the period {Show(start)} to {Show(end)} is longer than {MaxDays} days");
        return new ReportPeriod(start, end);
    }

    private static DateOnly Date(string text, string field, DateOnly today)
    {
        if (text.Length > 10 || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new InvalidFieldException(field, $"'{Clip(text)}' is not a date (yyyy-MM-dd)");
        if (date < DateOnly.FromDateTime(ClientDates.Earliest.UtcDateTime))
            throw new InvalidFieldException(field, $"{Show(date)} is before {Show(DateOnly.FromDateTime(ClientDates.Earliest.UtcDateTime))}");
        if (date > today.AddYears(1)) throw new InvalidFieldException(field, $"{Show(date)} is more than a year ahead");
        return date;
    }

    private static string Show(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Clip(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
