using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Logistics.SharedKernel.Time;

/// <summary>
/// The JSON form of a working calendar: the shipped data files (Time/Calendars/*.json) and how the requests service keeps
/// each version. Dates are "yyyy-MM-dd", times "HH:mm", weekdays English names; a "source" per year is kept as a note.
/// </summary>
public static class CalendarJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public static WorkingCalendar Parse(string json, long version)
    {
        var doc = JsonSerializer.Deserialize<CalendarDocument>(json, Options)
            ?? throw new InvalidFieldException("calendar", "is empty");
        return WorkingCalendar.Define(doc.CalendarId, doc.Name, version, doc.Years?.Select(ToYear).ToList());
    }

    public static string Write(WorkingCalendar calendar) => JsonSerializer.Serialize(new CalendarDocument
    {
        CalendarId = calendar.CalendarId,
        Name = calendar.Name,
        Years = calendar.Years.Select(y => new YearDocument
        {
            Year = y.Year,
            WorkingWeekdays = y.WorkingWeekdays.Order().Select(d => d.ToString()).ToList(),
            OpensAt = y.OpensAt.ToString("HH:mm", CultureInfo.InvariantCulture),
            ClosesAt = y.ClosesAt.ToString("HH:mm", CultureInfo.InvariantCulture),
            Holidays = y.Holidays.Order().Select(Date).ToList(),
            ExtraWorkingDays = y.ExtraWorkingDays.Order().Select(Date).ToList(),
        }).ToList(),
    }, Options);

    /// <summary>A local date as "yyyy-MM-dd".</summary>
    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string? text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new InvalidFieldException(field, $"'{text}' is not a date (yyyy-MM-dd)");

    public static TimeOnly ParseTime(string? text, string field) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new InvalidFieldException(field, $"'{text}' is not a time of day (HH:mm)");

    public static DayOfWeek ParseWeekday(string? text, string field) =>
        Enum.TryParse<DayOfWeek>(text, ignoreCase: true, out var day) && Enum.IsDefined(day) && !int.TryParse(text, out _)
            ? day
            : throw new InvalidFieldException(field, $"'{text}' is not a weekday (Monday ... Sunday)");

    private static CalendarYear ToYear(YearDocument y)
    {
        var field = $"years[{y.Year}]";
        return new CalendarYear(
            y.Year,
            (y.WorkingWeekdays ?? []).Select(d => ParseWeekday(d, $"{field}.working_weekdays")).ToHashSet(),
            ParseTime(y.OpensAt, $"{field}.opens_at"),
            ParseTime(y.ClosesAt, $"{field}.closes_at"),
            (y.Holidays ?? []).Select(d => ParseDate(d, $"{field}.holidays")).ToHashSet(),
            (y.ExtraWorkingDays ?? []).Select(d => ParseDate(d, $"{field}.extra_working_days")).ToHashSet());
    }

    private sealed class CalendarDocument
    {
        public string? CalendarId { get; set; }
        public string? Name { get; set; }
        public List<YearDocument>? Years { get; set; }
    }

    private sealed class YearDocument
    {
        public int Year { get; set; }
        public string? Source { get; set; }
        public List<string>? WorkingWeekdays { get; set; }
        public string? OpensAt { get; set; }
        public string? ClosesAt { get; set; }
        public List<string>? Holidays { get; set; }
        public List<string>? ExtraWorkingDays { get; set; }
    }
}

/// <summary>
/// The calendars shipped with the system (embedded data files; the requests service stores them as version 1 on start
/// when they are not there yet, and admins change them through the API from then on).
/// </summary>
public static class WorkingCalendars
{
    public const string MondayToFridayId = "mon-fri";
    public const string ChinaId = "cn";

    /// <summary>Monday to Friday 09:00-18:00, no public holidays, 2020-2035: the default of a centre or site that names none.</summary>
    public static WorkingCalendar MondayToFriday { get; } = Load("mon-fri.json");

    /// <summary>Mainland China: the State Council's public holidays and make-up working days (see docs/time.md for the years).</summary>
    public static WorkingCalendar China { get; } = Load("cn.json");

    public static IReadOnlyList<WorkingCalendar> Shipped { get; } = [MondayToFriday, China];

    private static WorkingCalendar Load(string file)
    {
        using var stream = typeof(WorkingCalendars).Assembly.GetManifestResourceStream("Logistics.SharedKernel.Calendars." + file)
            ?? throw new InvalidOperationException($"the shipped calendar {file} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return CalendarJson.Parse(reader.ReadToEnd(), 1);
    }
}
