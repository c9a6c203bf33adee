using System.Collections.Frozen;

namespace Logistics.SharedKernel.Time;

/// <summary>
/// One year of a working calendar: which weekdays are worked, the business hours of a working day, the public holidays
/// (days off that would otherwise be worked) and the extra working days (days worked that would otherwise be off, such as
/// the weekend days China moves into the week around its holidays). Dates are local dates: the time zone belongs to the
/// centre or site that uses the calendar, not to the calendar.
/// </summary>
public sealed record CalendarYear(
    int Year,
    IReadOnlySet<DayOfWeek> WorkingWeekdays,
    TimeOnly OpensAt,
    TimeOnly ClosesAt,
    IReadOnlySet<DateOnly> Holidays,
    IReadOnlySet<DateOnly> ExtraWorkingDays)
{
    public bool IsWorkingDay(DateOnly day) =>
        !Holidays.Contains(day) && (ExtraWorkingDays.Contains(day) || WorkingWeekdays.Contains(day.DayOfWeek));
}

/// <summary>
/// A working calendar: an id, a version (each change an admin makes is a new version; the old ones stay) and a run of
/// consecutive known years. It answers only for its known years: asked about any other day it refuses
/// (<see cref="RuleViolationException"/>) rather than guess which days are worked then.
/// </summary>
public sealed class WorkingCalendar
{
    public const int MaxYears = 50;
    public const int MaxDatesPerYear = 366;

    private readonly FrozenDictionary<int, CalendarYear> _years;

    private WorkingCalendar(string calendarId, string name, long version, IReadOnlyList<CalendarYear> years)
    {
        CalendarId = calendarId;
        Name = name;
        Version = version;
        Years = years;
        _years = years.ToFrozenDictionary(y => y.Year);
    }

    public string CalendarId { get; }
    public string Name { get; }
    public long Version { get; }

    /// <summary>The known years, oldest first, without gaps.</summary>
    public IReadOnlyList<CalendarYear> Years { get; }

    public int FirstYear => Years[0].Year;
    public int LastYear => Years[^1].Year;

    public override string ToString() => $"{CalendarId} v{Version}";

    /// <summary>
    /// Checks a calendar an admin (or a shipped data file) defines; every problem names its field. The years must be
    /// consecutive (a gap would be a year the calendar pretends to know), each date must lie in its own year, a day cannot
    /// be both a holiday and an extra working day, and an extra working day must be a day that is otherwise off.
    /// </summary>
    public static WorkingCalendar Define(string? calendarId, string? name, long version, IReadOnlyList<CalendarYear>? years)
    {
        var id = Require.Code(calendarId, "calendar_id");
        var text = Require.Text(name, "name");
        if (version < 1) throw new InvalidFieldException("version", $"must be at least 1 (was {version})");
        if (years is null || years.Count == 0) throw new InvalidFieldException("years", "a calendar needs at least one year");
        if (years.Count > MaxYears) throw new InvalidFieldException("years", $"at most {MaxYears} years");
        var sorted = years.OrderBy(y => y.Year).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            var year = sorted[i];
            var field = $"years[{year.Year}]";
            if (year.Year is < 1970 or > 2200) throw new InvalidFieldException("years", $"year {year.Year} is out of range (1970-2200)");
            if (i > 0 && year.Year == sorted[i - 1].Year) throw new InvalidFieldException("years", $"year {year.Year} is listed twice");
            if (i > 0 && year.Year != sorted[i - 1].Year + 1)
                throw new InvalidFieldException("years", $"years must be consecutive: {sorted[i - 1].Year} is followed by {year.Year}");
            if (year.WorkingWeekdays.Count == 0) throw new InvalidFieldException($"{field}.working_weekdays", "at least one weekday must be worked");
            if (year.OpensAt >= year.ClosesAt)
                throw new InvalidFieldException($"{field}.closes_at", $"must be after opens_at ({year.OpensAt:HH\\:mm} - {year.ClosesAt:HH\\:mm})");
            CheckDates(year, year.Holidays, $"{field}.holidays");
            CheckDates(year, year.ExtraWorkingDays, $"{field}.extra_working_days");
            var both = year.Holidays.Intersect(year.ExtraWorkingDays).Order().FirstOrDefault();
            if (both != default) throw new InvalidFieldException($"{field}.extra_working_days", $"{both:yyyy-MM-dd} is also a holiday");
            var worked = year.ExtraWorkingDays.Where(d => year.WorkingWeekdays.Contains(d.DayOfWeek)).Order().FirstOrDefault();
            if (worked != default)
                throw new InvalidFieldException($"{field}.extra_working_days", $"{worked:yyyy-MM-dd} is a {worked.DayOfWeek}, a working weekday already");
        }
        return new WorkingCalendar(id, text, version, sorted);
    }

    /// <summary>The same calendar as another version number (the store numbers versions, not the caller).</summary>
    public WorkingCalendar AsVersion(long version) => new(CalendarId, Name, version, Years);

    /// <summary>
    /// What an admin's definition makes of the current calendar: the next version, or null when nothing changes. Old
    /// versions stay as they were, so deadlines already computed on them keep their meaning.
    /// </summary>
    public static WorkingCalendar? Apply(WorkingCalendar? current, WorkingCalendar proposed) =>
        current is null ? proposed.AsVersion(1) : current.SameAs(proposed) ? null : proposed.AsVersion(current.Version + 1);

    /// <summary>Whether the definitions are the same (id, name and years; the version aside).</summary>
    public bool SameAs(WorkingCalendar other) =>
        CalendarId == other.CalendarId && Name == other.Name && Years.Count == other.Years.Count
        && Years.Zip(other.Years).All(p => p.First.Year == p.Second.Year && p.First.OpensAt == p.Second.OpensAt
            && p.First.ClosesAt == p.Second.ClosesAt && p.First.WorkingWeekdays.SetEquals(p.Second.WorkingWeekdays)
            && p.First.Holidays.SetEquals(p.Second.Holidays) && p.First.ExtraWorkingDays.SetEquals(p.Second.ExtraWorkingDays));

    public bool Knows(DateOnly day) => _years.ContainsKey(day.Year);

    /// <summary>The year <paramref name="day"/> falls in, or a refusal when the calendar does not know that year.</summary>
    public CalendarYear YearOf(DateOnly day) => _years.TryGetValue(day.Year, out var year)
        ? year
        : throw new RuleViolationException(
            $"working calendar {CalendarId} (version {Version}) knows the years {FirstYear}-{LastYear}; " +
            $"it cannot tell whether {day:yyyy-MM-dd} is a working day (an admin adds the year with PUT /api/v1/calendars/{CalendarId})");

    public bool IsWorkingDay(DateOnly day) => YearOf(day).IsWorkingDay(day);

    private static void CheckDates(CalendarYear year, IReadOnlySet<DateOnly> dates, string field)
    {
        if (dates.Count > MaxDatesPerYear) throw new InvalidFieldException(field, $"at most {MaxDatesPerYear} dates");
        var outside = dates.Where(d => d.Year != year.Year).Order().FirstOrDefault();
        if (outside != default) throw new InvalidFieldException(field, $"{outside:yyyy-MM-dd} is not in {year.Year}");
    }
}
