using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Time zones and working calendars through the gateway: a centre in Shanghai with its own calendar gets deadlines in
/// Shanghai time; a registered site in Berlin gets deliver-by in Berlin time; a calendar change is a new version and
/// leaves the deadlines of requests already submitted as they were. Expected values are worked out here from the
/// submission time with the BCL's time zones, not with the system's calendar code.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WorkingTimeTests(TestStack stack)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public async Task A_centre_s_zone_and_calendar_give_local_deadlines_and_a_calendar_change_leaves_existing_requests_alone()
    {
        using var f = await StockedAsync(stack);
        var calendarId = "E2E-" + f.Id;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);
        // Every day worked, except the next four local days (covers a submission just after local midnight).
        var holidays = Enumerable.Range(1, 4).Select(today.AddDays).ToList();
        var v1 = await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/calendars/{calendarId}", Calendar(calendarId, today.Year, holidays)));
        Assert.Equal(1, Number(v1, "version"));

        var centre = await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{f.Centre}",
            new { name = "Shenzhen spare-part centre", bins = new[] { "A-01", "A-02" }, timeZone = "Asia/Shanghai", calendarId }));
        Assert.Equal(("Asia/Shanghai", calendarId), (Text(centre, "timeZone"), Text(centre, "calendarId")));
        await Eventually.Until(async () => await stack.ScalarAsync<string>("SELECT time_zone FROM requests.known_centres WHERE centre_id = $1", f.Centre) == "Asia/Shanghai",
            Settle, "the centre's zone known to requests");

        // 5x9xNBD: the next working day of the centre's calendar (the site is not registered), 18:00 Shanghai time.
        var first = await f.SubmitAsync(serviceLevel: "5x9xNBD");
        var expected = NextWorkingDayAt18(Submitted(first), Shanghai, d => !holidays.Contains(d));
        Assert.Equal(expected, Instant(first, "deliverBy"));
        Assert.Equal(expected.AddHours(-12), Instant(first, "shipBy"));
        Assert.True(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(expected, Shanghai).DateTime) >= today.AddDays(5), "the holidays were skipped");

        // The admin drops the holidays: version 2. The request keeps its deadlines; a new one runs on version 2.
        var v2 = await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/calendars/{calendarId}", Calendar(calendarId, today.Year, [])));
        Assert.Equal(2, Number(v2, "version"));
        var v1Again = await Ok(await f.Auditor.GetAsync($"/api/v1/calendars/{calendarId}?version=1"));
        Assert.Equal(holidays.Count, v1Again.GetProperty("years").EnumerateArray().Sum(y => y.GetProperty("holidays").GetArrayLength()));

        var firstAgain = await f.RequestAsync(Text(first, "requestId"));
        Assert.Equal(Instant(first, "deliverBy"), Instant(firstAgain, "deliverBy"));
        Assert.Equal(Instant(first, "shipBy"), Instant(firstAgain, "shipBy"));

        var second = await f.SubmitAsync(serviceLevel: "5x9xNBD");
        Assert.Equal(NextWorkingDayAt18(Submitted(second), Shanghai, _ => true), Instant(second, "deliverBy"));
        Assert.NotEqual(Instant(first, "deliverBy"), Instant(second, "deliverBy"));

        // A registered site in Berlin: deliver-by runs on Berlin time and the Monday-Friday calendar.
        var site = "SITE-" + f.Id;
        var registered = await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/sites/{site}", new { timeZone = "Europe/Berlin", calendarId = "mon-fri" }));
        Assert.Equal(("Europe/Berlin", 1L), (Text(registered, "timeZone"), Number(registered, "version")));
        var third = await f.SubmitAsync(serviceLevel: "5x9xNBD");
        var berlinDue = NextWorkingDayAt18(Submitted(third), Berlin, d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.Equal(berlinDue, Instant(third, "deliverBy"));
    }

    [Fact]
    public async Task Calendars_and_sites_are_read_by_anyone_signed_in_and_changed_only_by_admins()
    {
        using var f = await StockedAsync(stack, units: 0);
        var cn = await Ok(await f.Eng.GetAsync("/api/v1/calendars/cn"));
        Assert.Equal((2025L, 2026L), (Number(cn, "firstYear"), Number(cn, "lastYear")));
        Assert.Contains("2026-10-01", cn.GetProperty("years")[1].GetProperty("holidays").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("2026-10-10", cn.GetProperty("years")[1].GetProperty("extraWorkingDays").EnumerateArray().Select(d => d.GetString()));

        var calendarId = "E2E-" + f.Id;
        await Refused(await f.Sup.PutAsJsonAsync($"/api/v1/calendars/{calendarId}", Calendar(calendarId, 2026, [])), HttpStatusCode.Forbidden);
        await Refused(await f.Sup.PutAsJsonAsync($"/api/v1/sites/SITE-{f.Id}", new { timeZone = "Europe/Berlin" }), HttpStatusCode.Forbidden);
        await Refused(await f.Eng.GetAsync($"/api/v1/calendars/{calendarId}"), HttpStatusCode.NotFound, calendarId);
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.calendars WHERE calendar_id = $1", calendarId));

        // The same definition twice is one version.
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/calendars/{calendarId}", Calendar(calendarId, 2026, [])));
        var again = await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/calendars/{calendarId}", Calendar(calendarId, 2026, [])));
        Assert.Equal(1, Number(again, "version"));
        Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.calendars WHERE calendar_id = $1", calendarId));
    }

    private static object Calendar(string id, int year, IReadOnlyList<DateOnly> holidays) => new
    {
        name = "Every day, 09:00-18:00",
        years = Enumerable.Range(year - 1, 3).Select(y => new
        {
            year = y,
            workingWeekdays = Enum.GetNames<DayOfWeek>(),
            opensAt = "09:00",
            closesAt = "18:00",
            holidays = holidays.Where(d => d.Year == y).Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray(),
            extraWorkingDays = Array.Empty<string>(),
        }).ToArray(),
    };

    private static DateTimeOffset Submitted(JsonElement request) => Instant(request, "submittedAt");

    private static DateTimeOffset Instant(JsonElement e, string name) => DateTimeOffset.Parse(Text(e, name), CultureInfo.InvariantCulture);

    /// <summary>18:00 local time on the first local day after the submission's that <paramref name="works"/>.</summary>
    private static DateTimeOffset NextWorkingDayAt18(DateTimeOffset submitted, TimeZoneInfo zone, Func<DateOnly, bool> works)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(submitted, zone).DateTime).AddDays(1);
        while (!works(day)) day = day.AddDays(1);
        var local = day.ToDateTime(new TimeOnly(18, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
