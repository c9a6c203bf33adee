using Logistics.Returns.Domain;

namespace Logistics.Returns.Tests;

/// <summary>
/// The return due date and the unreturned threshold count calendar days (docs/time.md): a holiday week or a weekend
/// does not stretch them.
/// </summary>
public sealed class CalendarTimeTests
{
    [Fact]
    public void The_due_date_and_the_unreturned_threshold_run_through_national_day_week()
    {
        // Signed for on Wednesday 30 September 2026, 10:00 in Shenzhen; 1-7 October is China's holiday week.
        var signed = new DateTimeOffset(2026, 9, 30, 10, 0, 0, TimeSpan.FromHours(8));
        var (due, unreturned) = ReturnPolicy.Default.Deadlines(ReturnKind.Swap, signed);
        Assert.Equal(new DateTimeOffset(2026, 10, 10, 10, 0, 0, TimeSpan.FromHours(8)), due);
        Assert.Equal(new DateTimeOffset(2026, 10, 30, 10, 0, 0, TimeSpan.FromHours(8)), unreturned);
    }

    [Fact]
    public void A_due_date_on_a_sunday_stays_on_the_sunday()
    {
        // Thursday 1 October 2026 + 10 days = Sunday 11 October, not the Monday after.
        var signed = new DateTimeOffset(2026, 10, 1, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(DayOfWeek.Sunday, ReturnPolicy.Default.Deadlines(ReturnKind.Swap, signed).DueAt.DayOfWeek);
    }
}
