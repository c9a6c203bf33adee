using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;

namespace Logistics.Requests.Tests.Time;

public sealed class CalendarTests
{
    private static CalendarYear Year(int year, DateOnly[]? holidays = null, DateOnly[]? extra = null) => new(
        year, new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(9, 0), new TimeOnly(18, 0), (holidays ?? []).ToHashSet(), (extra ?? []).ToHashSet());

    [Fact]
    public void The_shipped_calendars_load_with_their_years()
    {
        Assert.Equal((2025, 2026), (WorkingCalendars.China.FirstYear, WorkingCalendars.China.LastYear));
        Assert.Equal((2020, 2035), (WorkingCalendars.MondayToFriday.FirstYear, WorkingCalendars.MondayToFriday.LastYear));
        // 2026 Spring Festival: 15-23 February off; 14 and 28 February (Saturdays) worked.
        var china = WorkingCalendars.China;
        Assert.False(china.IsWorkingDay(new DateOnly(2026, 2, 16)));
        Assert.False(china.IsWorkingDay(new DateOnly(2026, 2, 23)));
        Assert.True(china.IsWorkingDay(new DateOnly(2026, 2, 14)));
        Assert.True(china.IsWorkingDay(new DateOnly(2026, 2, 28)));
        Assert.True(china.IsWorkingDay(new DateOnly(2026, 2, 24)));
        Assert.False(china.IsWorkingDay(new DateOnly(2026, 2, 21)));
        // Working days: 261 weekdays - 19 weekday holidays + 6 make-up days (2026); 261 - 18 + 5 (2025).
        Assert.Equal(248, Enumerable.Range(0, 365).Count(i => china.IsWorkingDay(new DateOnly(2026, 1, 1).AddDays(i))));
        Assert.Equal(248, Enumerable.Range(0, 365).Count(i => china.IsWorkingDay(new DateOnly(2025, 1, 1).AddDays(i))));
    }

    [Fact]
    public void A_calendar_round_trips_through_its_json()
    {
        var json = CalendarJson.Write(WorkingCalendars.China);
        var back = CalendarJson.Parse(json, 7);
        Assert.True(back.SameAs(WorkingCalendars.China));
        Assert.Equal(7, back.Version);
    }

    [Fact]
    public void Bad_calendars_are_refused_naming_the_field()
    {
        Assert.Equal("calendar_id", Assert.Throws<InvalidFieldException>(() => WorkingCalendar.Define("a b", "x", 1, [Year(2026)])).Field);
        Assert.Equal("years", Assert.Throws<InvalidFieldException>(() => WorkingCalendar.Define("x", "x", 1, [])).Field);
        Assert.Equal("years", Assert.Throws<InvalidFieldException>(() => WorkingCalendar.Define("x", "x", 1, [Year(2025), Year(2027)])).Field);
        Assert.Equal("years", Assert.Throws<InvalidFieldException>(() => WorkingCalendar.Define("x", "x", 1, [Year(2026), Year(2026)])).Field);
        Assert.Equal("years[2026].holidays", Assert.Throws<InvalidFieldException>(() =>
            WorkingCalendar.Define("x", "x", 1, [Year(2026, holidays: [new DateOnly(2025, 12, 31)])])).Field);
        Assert.Equal("years[2026].extra_working_days", Assert.Throws<InvalidFieldException>(() =>
            WorkingCalendar.Define("x", "x", 1, [Year(2026, extra: [new DateOnly(2026, 3, 4)])])).Field); // a Wednesday
        Assert.Equal("years[2026].extra_working_days", Assert.Throws<InvalidFieldException>(() =>
            WorkingCalendar.Define("x", "x", 1, [Year(2026, holidays: [new DateOnly(2026, 3, 7)], extra: [new DateOnly(2026, 3, 7)])])).Field);
        Assert.Equal("years[2026].closes_at", Assert.Throws<InvalidFieldException>(() =>
            WorkingCalendar.Define("x", "x", 1, [Year(2026) with { ClosesAt = new TimeOnly(9, 0) }])).Field);
        Assert.Equal("years[2026].working_weekdays", Assert.Throws<InvalidFieldException>(() =>
            WorkingCalendar.Define("x", "x", 1, [Year(2026) with { WorkingWeekdays = new HashSet<DayOfWeek>() }])).Field);
        Assert.Equal("years[2026].opens_at", Assert.Throws<InvalidFieldException>(() =>
            CalendarJson.Parse("""{"calendarId":"x","name":"x","years":[{"year":2026,"workingWeekdays":["Monday"],"opensAt":"9am","closesAt":"18:00"}]}""", 1)).Field);
        Assert.Equal("years[2026].working_weekdays", Assert.Throws<InvalidFieldException>(() =>
            CalendarJson.Parse("""{"calendarId":"x","name":"x","years":[{"year":2026,"workingWeekdays":["Funday"],"opensAt":"09:00","closesAt":"18:00"}]}""", 1)).Field);
    }
}
