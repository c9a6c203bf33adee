using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;

namespace Logistics.Requests.Tests.Time;

/// <summary>Service levels on local clocks and working calendars: zones, holidays, make-up days, DST, the end of a calendar.</summary>
public sealed class LocalClockTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZones.Find("Asia/Shanghai");
    private static readonly TimeZoneInfo Berlin = TimeZones.Find("Europe/Berlin");
    private static readonly LocalClock Shenzhen = new(Shanghai, WorkingCalendars.China);
    private static readonly LocalClock BerlinSite = new(Berlin, WorkingCalendars.MondayToFriday);

    private static DateTimeOffset Local(string text, TimeZoneInfo zone)
    {
        var local = DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static Deadlines Deadlines(string level, DateTimeOffset at, LocalClock centre, LocalClock site) =>
        ServiceLevel.Parse(level).DeadlinesFor(at, ServiceLevelPolicy.Default, new DeadlineClocks(centre, site));

    [Fact]
    public void Shenzhen_5x9x4_at_10_local_is_due_the_same_day_in_local_business_hours()
    {
        // Tuesday 3 March 2026, 10:00 in Shenzhen = 02:00 UTC: ship by 11:00, deliver by 14:00 local.
        var d = Deadlines("5x9x4", Local("2026-03-03T10:00", Shanghai), Shenzhen, Shenzhen);
        Assert.Equal(DateTimeOffset.Parse("2026-03-03T03:00:00Z"), d.ShipBy);
        Assert.Equal(DateTimeOffset.Parse("2026-03-03T06:00:00Z"), d.DeliverBy);
    }

    [Fact]
    public void Shenzhen_5x9x4_late_in_the_day_runs_into_the_next_local_morning()
    {
        // 16:30 local: 1.5 h left today, 2.5 h tomorrow from 09:00 → 11:30.
        var d = Deadlines("5x9x4", Local("2026-03-03T16:30", Shanghai), Shenzhen, Shenzhen);
        Assert.Equal(Local("2026-03-03T17:30", Shanghai), d.ShipBy);
        Assert.Equal(Local("2026-03-04T11:30", Shanghai), d.DeliverBy);
    }

    [Fact]
    public void National_day_week_is_skipped_and_its_make_up_saturday_is_worked()
    {
        // 2026: 1-7 October off, Saturday 10 October worked. Wednesday 30 September 16:00 local: 2 h that day, the
        // other 2 h on Thursday 8 October, the first working day after the holiday week.
        var d = Deadlines("5x9x4", Local("2026-09-30T16:00", Shanghai), Shenzhen, Shenzhen);
        Assert.Equal(Local("2026-09-30T17:00", Shanghai), d.ShipBy);
        Assert.Equal(Local("2026-10-08T11:00", Shanghai), d.DeliverBy);

        // Friday 9 October 17:00: the make-up Saturday 10 October counts.
        var friday = Deadlines("5x9x4", Local("2026-10-09T17:00", Shanghai), Shenzhen, Shenzhen);
        Assert.Equal(Local("2026-10-09T18:00", Shanghai), friday.ShipBy);
        Assert.Equal(Local("2026-10-10T12:00", Shanghai), friday.DeliverBy);

        // Next business day from 30 September is 8 October; from Friday 9 October it is the make-up Saturday.
        Assert.Equal(Local("2026-10-08T18:00", Shanghai), Deadlines("5x9xNBD", Local("2026-09-30T10:00", Shanghai), Shenzhen, Shenzhen).DeliverBy);
        Assert.Equal(Local("2026-10-10T18:00", Shanghai), Deadlines("5x9xNBD", Local("2026-10-09T10:00", Shanghai), Shenzhen, Shenzhen).DeliverBy);
    }

    [Fact]
    public void The_make_up_sunday_before_national_day_is_worked_and_the_holiday_is_not()
    {
        Assert.True(WorkingCalendars.China.IsWorkingDay(new DateOnly(2026, 9, 20))); // Sunday, worked
        Assert.False(WorkingCalendars.China.IsWorkingDay(new DateOnly(2026, 10, 5))); // Monday, off
        Assert.True(WorkingCalendars.China.IsWorkingDay(new DateOnly(2025, 9, 28))); // Sunday, worked (2025 arrangement)
        Assert.False(WorkingCalendars.China.IsWorkingDay(new DateOnly(2025, 10, 8))); // Wednesday, off (8-day break in 2025)
        // Saturday 19 September 16:00: nothing counts until Sunday 20 September 09:00.
        var d = Deadlines("5x9x4", Local("2026-09-19T16:00", Shanghai), Shenzhen, Shenzhen);
        Assert.Equal(Local("2026-09-20T10:00", Shanghai), d.ShipBy);
        Assert.Equal(Local("2026-09-20T13:00", Shanghai), d.DeliverBy);
    }

    [Fact]
    public void A_berlin_site_across_the_spring_change_is_right_to_the_minute()
    {
        // Friday 27 March 2026 16:47 CET (+1) = 15:47 UTC. Summer time starts Sunday 29 March. 1 h 13 min on Friday,
        // 2 h 47 min on Monday 30 March from 09:00 CEST (+2) = 11:47 CEST = 09:47 UTC.
        var at = DateTimeOffset.Parse("2026-03-27T15:47:00Z");
        var d = Deadlines("5x9x4", at, BerlinSite, BerlinSite);
        Assert.Equal(DateTimeOffset.Parse("2026-03-27T16:47:00Z"), d.ShipBy);
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T09:47:00Z"), d.DeliverBy);
        // 7x9xND on Saturday 28 March: Sunday 29 March 18:00 CEST = 16:00 UTC; ship 12 elapsed hours before.
        var nd = Deadlines("7x9xND", DateTimeOffset.Parse("2026-03-28T10:00:00Z"), BerlinSite, BerlinSite);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T16:00:00Z"), nd.DeliverBy);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T04:00:00Z"), nd.ShipBy);
    }

    [Fact]
    public void A_berlin_site_across_the_autumn_change_is_right_to_the_minute()
    {
        // Friday 23 October 2026 17:01 CEST (+2) = 15:01 UTC; winter time from Sunday 25 October. 59 min on Friday,
        // 3 h 1 min on Monday 26 October from 09:00 CET (+1) = 12:01 CET = 11:01 UTC.
        var d = Deadlines("5x9x4", DateTimeOffset.Parse("2026-10-23T15:01:00Z"), BerlinSite, BerlinSite);
        Assert.Equal(DateTimeOffset.Parse("2026-10-26T08:01:00Z"), d.ShipBy); // 59 min on Friday, 1 min on Monday (CET)
        Assert.Equal(DateTimeOffset.Parse("2026-10-26T11:01:00Z"), d.DeliverBy);
        // 7x9xND on Saturday 24 October: Sunday 18:00 CET = 17:00 UTC (a 25-hour Sunday).
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T17:00:00Z"), Deadlines("7x9xND", DateTimeOffset.Parse("2026-10-24T10:00:00Z"), BerlinSite, BerlinSite).DeliverBy);
    }

    [Fact]
    public void Skipped_and_repeated_local_times_read_as_documented()
    {
        // 02:30 on 29 March 2026 does not exist in Berlin: 03:30 CEST = 01:30 UTC.
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:30:00Z"), BerlinSite.InstantOf(new DateOnly(2026, 3, 29), new TimeOnly(2, 30)));
        // 02:30 on 25 October 2026 happens twice: the first (CEST, 00:30 UTC).
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T00:30:00Z"), BerlinSite.InstantOf(new DateOnly(2026, 10, 25), new TimeOnly(2, 30)));
    }

    [Fact]
    public void Ship_by_runs_on_the_centre_clock_and_deliver_by_on_the_site_clock()
    {
        // Centre in Shenzhen, site in Berlin. Tuesday 3 March 2026 07:00 UTC = 15:00 Shenzhen = 08:00 Berlin.
        var d = Deadlines("5x9x4", DateTimeOffset.Parse("2026-03-03T07:00:00Z"), Shenzhen, BerlinSite);
        Assert.Equal(Local("2026-03-03T16:00", Shanghai), d.ShipBy);
        Assert.Equal(Local("2026-03-03T13:00", Berlin), d.DeliverBy); // the site opens at 09:00 Berlin time
        // 5x9xNBD: the next working day of the site, 18:00 Berlin time.
        Assert.Equal(Local("2026-03-04T18:00", Berlin), Deadlines("5x9xNBD", DateTimeOffset.Parse("2026-03-03T07:00:00Z"), Shenzhen, BerlinSite).DeliverBy);
    }

    [Fact]
    public void Deliver_by_is_never_before_ship_by()
    {
        // 09:30 UTC = 17:30 Shenzhen (ship-by next morning) = 10:30 Berlin (deliver-by this afternoon): deliver-by waits for ship-by.
        var d = Deadlines("5x9x4", DateTimeOffset.Parse("2026-03-03T09:30:00Z"), Shenzhen, BerlinSite);
        Assert.True(d.DeliverBy >= d.ShipBy);
        Assert.Equal(d.ShipBy, d.DeliverBy);
    }

    [Fact]
    public void A_business_hours_deadline_past_the_known_years_is_refused()
    {
        // The China calendar knows 2025-2026: Thursday 31 December 2026 17:00 + 4 business hours needs 2027.
        var at = Local("2026-12-31T17:00", Shanghai);
        var error = Assert.Throws<RuleViolationException>(() => Deadlines("5x9x4", at, Shenzhen, Shenzhen));
        Assert.Contains("cn", error.Message);
        Assert.Contains("2025-2026", error.Message);
        Assert.Contains("2027-01-01", error.Message);
        Assert.Throws<RuleViolationException>(() => Deadlines("5x9xNBD", at, Shenzhen, Shenzhen));
        // Inside the year it still works, and calendar-time levels need no calendar at all.
        Assert.Equal(Local("2026-12-31T17:30", Shanghai), Shenzhen.AddBusinessTime(Local("2026-12-31T16:30", Shanghai), TimeSpan.FromHours(1)));
        Assert.Equal(at.AddHours(4), Deadlines("7x24x4", at, Shenzhen, Shenzhen).DeliverBy);
        Assert.Equal(Local("2027-01-01T18:00", Shanghai), Deadlines("7x9xND", at, Shenzhen, Shenzhen).DeliverBy);
        // Before the first year too.
        Assert.Throws<RuleViolationException>(() => Deadlines("5x9x4", Local("2024-06-03T10:00", Shanghai), Shenzhen, Shenzhen));
    }

    [Fact]
    public void Utc_clocks_keep_the_old_behaviour()
    {
        var d = Deadlines("5x9x4", DateTimeOffset.Parse("2025-03-07T17:00:00Z"), LocalClock.Utc, LocalClock.Utc);
        Assert.Equal(DateTimeOffset.Parse("2025-03-10T12:00:00Z"), d.DeliverBy);
    }

    [Fact]
    public void Time_zones_must_be_iana_ids()
    {
        Assert.Equal("Asia/Shanghai", TimeZones.Find("Asia/Shanghai").Id);
        Assert.Equal("time_zone", Assert.Throws<InvalidFieldException>(() => TimeZones.Find("Mars/Olympus")).Field);
        Assert.Equal("time_zone", Assert.Throws<InvalidFieldException>(() => TimeZones.Find("")).Field);
        Assert.Equal("tz", Assert.Throws<InvalidFieldException>(() => TimeZones.Find("China Standard Time", "tz")).Field);
    }
}
