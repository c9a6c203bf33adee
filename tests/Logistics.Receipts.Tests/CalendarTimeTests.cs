using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>The unboxing-report window counts calendar days (docs/time.md): a weekend does not stretch it.</summary>
public sealed class CalendarTimeTests
{
    [Fact]
    public void Three_days_from_a_friday_delivery_end_on_monday_at_the_same_time()
    {
        var friday = new DateTimeOffset(2025, 3, 7, 16, 0, 0, TimeSpan.Zero);
        var expected = Expected() with { DeliveredAt = friday };
        Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), friday.AddDays(3), Content(["S1"], GoodsCondition.Damaged), expected, Policy);
        var e = Assert.Throws<RuleViolationException>(() =>
            Receipt.Sign("rc-2", ReceiptKind.CentreToEngineer, new Signer("eng-1"), friday.AddDays(3).AddSeconds(1), Content(["S1"], GoodsCondition.Damaged), expected, Policy));
        Assert.Contains("within 3 days", e.Message);
    }
}
