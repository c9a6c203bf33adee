using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>The DOA window counts elapsed hours (docs/time.md): a weekend or a holiday neither pauses nor stretches it.</summary>
public sealed class CalendarTimeTests
{
    [Fact]
    public void Forty_eight_hours_from_a_friday_power_on_end_on_sunday_through_a_holiday()
    {
        // First powered on Friday 2 October 2026 (China's National Day week), 17:00 Shenzhen time.
        var firstPowerOn = new DateTimeOffset(2026, 10, 2, 17, 0, 0, TimeSpan.FromHours(8));
        var sunday = firstPowerOn.AddHours(48);
        Assert.Equal(DayOfWeek.Sunday, sunday.DayOfWeek);
        var now = sunday.AddHours(1);
        File(PowerOn(firstPowerOn, sunday, "within-48h"), now: now);
        var e = Assert.Throws<RuleViolationException>(() => File(PowerOn(firstPowerOn, sunday.AddSeconds(1), "within-48h"), now: now));
        Assert.StartsWith("outside the DOA window", e.Message);
    }
}
