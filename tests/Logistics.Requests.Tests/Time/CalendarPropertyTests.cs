using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;

namespace Logistics.Requests.Tests.Time;

/// <summary>
/// Properties over random instants, durations, zones and calendars (a fixed seed, a few thousand cases each): a business
/// duration never lands outside business hours, adding business time is monotonic (in the start and in the duration), and
/// it adds up (a + b = a then b).
/// </summary>
public sealed class CalendarPropertyTests
{
    private const int Cases = 3000;
    private static readonly string[] Zones = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"];

    private static LocalClock RandomClock(Random random)
    {
        var zone = TimeZones.Find(Zones[random.Next(Zones.Length)]);
        return random.Next(3) switch
        {
            0 => new LocalClock(zone, WorkingCalendars.China),
            1 => new LocalClock(zone, WorkingCalendars.MondayToFriday),
            _ => new LocalClock(zone, RandomCalendar(random)),
        };
    }

    /// <summary>2025-2027, random working weekdays, hours (some spanning the 02:00-03:00 DST hours), holidays and make-up days.</summary>
    private static WorkingCalendar RandomCalendar(Random random)
    {
        var years = new List<CalendarYear>();
        for (var y = 2025; y <= 2027; y++)
        {
            var weekdays = Enum.GetValues<DayOfWeek>().Where(_ => random.Next(4) > 0).ToHashSet();
            if (weekdays.Count == 0) weekdays.Add(DayOfWeek.Wednesday);
            var opens = new TimeOnly(random.Next(0, 12), random.Next(4) * 15);
            var closes = opens.AddMinutes(random.Next(30, 12 * 60));
            if (closes <= opens) closes = new TimeOnly(23, 59);
            var days = Enumerable.Range(0, 40).Select(_ => new DateOnly(y, 1, 1).AddDays(random.Next(365))).Distinct().ToList();
            var holidays = days.Take(20).ToHashSet();
            var extra = days.Skip(20).Where(d => !weekdays.Contains(d.DayOfWeek)).ToHashSet();
            years.Add(new CalendarYear(y, weekdays, opens, closes, holidays, extra));
        }
        return WorkingCalendar.Define("random", "random", 1, years);
    }

    /// <summary>3 January 2025 to mid November 2026: far enough inside every calendar's known years (China's are 2025-2026).</summary>
    private static DateTimeOffset RandomInstant(Random random) =>
        new DateTimeOffset(2025, 1, 3, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 680 * 24 * 60));

    private static TimeSpan RandomDuration(Random random) => TimeSpan.FromMinutes(random.Next(0, 5 * 9 * 60));

    [Fact]
    public void A_business_duration_never_lands_outside_business_hours()
    {
        var random = new Random(20261201);
        for (var i = 0; i < Cases; i++)
        {
            var clock = RandomClock(random);
            var start = RandomInstant(random);
            var duration = RandomDuration(random);
            var end = clock.AddBusinessTime(start, duration);
            Assert.True(clock.IsBusinessTime(end), $"case {i}: {clock} {start:O} + {duration} = {end:O} ({clock.LocalTime(end):O} local)");
            Assert.True(end >= start, $"case {i}: {end:O} before {start:O}");
            Assert.True(end - start >= duration, $"case {i}: {end - start} elapsed is less than {duration} of business time");
        }
    }

    [Fact]
    public void Adding_business_time_is_monotonic_and_adds_up()
    {
        var random = new Random(4242);
        for (var i = 0; i < Cases; i++)
        {
            var clock = RandomClock(random);
            var start = RandomInstant(random);
            var later = start.AddMinutes(random.Next(0, 3 * 24 * 60));
            var (a, b) = (RandomDuration(random), RandomDuration(random));
            var shorter = a < b ? a : b;
            var longer = a < b ? b : a;
            Assert.True(clock.AddBusinessTime(start, shorter) <= clock.AddBusinessTime(start, longer), $"case {i}: longer duration ends earlier");
            Assert.True(clock.AddBusinessTime(start, a) <= clock.AddBusinessTime(later, a), $"case {i}: later start ends earlier");
            var stepwise = clock.AddBusinessTime(clock.AddBusinessTime(start, a), b);
            Assert.Equal(clock.AddBusinessTime(start, a + b), stepwise);
        }
    }

    [Fact]
    public void Service_level_deadlines_are_ordered_and_land_where_they_should()
    {
        var random = new Random(7);
        for (var i = 0; i < Cases; i++)
        {
            var clocks = new DeadlineClocks(RandomClock(random), RandomClock(random));
            var at = RandomInstant(random);
            var level = ServiceLevel.All[random.Next(ServiceLevel.All.Count)];
            var d = level.DeadlinesFor(at, ServiceLevelPolicy.Default, clocks);
            Assert.True(d.ShipBy <= d.DeliverBy, $"case {i}: {level} ship-by after deliver-by");
            if (level == ServiceLevel.NextBusinessDay)
            {
                Assert.True(clocks.Site.Calendar.IsWorkingDay(DateOnly.FromDateTime(clocks.Site.LocalTime(d.DeliverBy))), $"case {i}: NBD on a day off");
                Assert.Equal(new TimeOnly(18, 0), TimeOnly.FromDateTime(clocks.Site.LocalTime(d.DeliverBy)));
            }
            if (level == ServiceLevel.FourHoursBusinessHours)
                Assert.True(clocks.Centre.IsBusinessTime(d.ShipBy), $"case {i}: 5x9x4 ship-by outside the centre's business hours");
        }
    }
}
