using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>The state machine: every transition and the refusals of commands in the wrong state.</summary>
public sealed class StockCountLifecycleTests
{
    private static StockCount InCounting() => Started(Bins("A-01"), Serial("A-01", "P-1", "S1", "S2"));

    private static StockCount InRecounting()
    {
        var count = InCounting();
        count.Submit(Alice, Seen("A-01", "P-1", "S1"));
        Assert.Equal(CountState.Recounting, count.Close().State);
        return count;
    }

    private static StockCount InReview()
    {
        var count = InCounting();
        count.Submit(Alice, Seen("A-01", "P-1", "S1", "S2"));
        Assert.Equal(CountState.ReadyToReview, count.Close().State);
        return count;
    }

    private static StockCount InState(CountState state)
    {
        switch (state)
        {
            case CountState.Requested: return Open(Bins("A-01"));
            case CountState.Counting: return InCounting();
            case CountState.Recounting: return InRecounting();
            case CountState.ReadyToReview: return InReview();
            case CountState.Completed:
            {
                var count = InReview();
                count.Approve();
                return count;
            }
            case CountState.Cancelled:
            {
                var count = InCounting();
                count.Cancel();
                return count;
            }
            default: throw new ArgumentOutOfRangeException(nameof(state));
        }
    }

    [Fact]
    public void Requested_counting_counted_ready_to_review_completed()
    {
        var count = Open(Bins("A-01"));
        Assert.False(count.HasSnapshot);

        count.Start([Serial("A-01", "P-1", "S1")], T0.AddMinutes(1));
        Assert.Equal(CountState.Counting, count.State);
        Assert.True(count.HasSnapshot);

        count.Submit(Alice, Seen("A-01", "P-1", "S1"));
        var closed = count.Close();
        Assert.Equal(CountState.ReadyToReview, closed.State);
        Assert.Empty(closed.LinesToRecount);

        Assert.Empty(count.Approve());
        Assert.Equal(CountState.Completed, count.State);
        Assert.False(count.IsOpen);
        Assert.Equal(
            [(CountState.Requested, CountState.Counting), (CountState.Counting, CountState.Counted),
             (CountState.Counted, CountState.ReadyToReview), (CountState.ReadyToReview, CountState.Completed)],
            count.History.Select(h => (h.From, h.To)));
        Assert.Equal("sup-1", count.ApprovedBy);
    }

    [Fact]
    public void Counting_counted_recounting_ready_to_review_when_a_line_is_off()
    {
        var count = InRecounting();

        count.Submit(Bob, Seen("A-01", "P-1", "S1"));
        Assert.Equal(CountState.ReadyToReview, count.Close().State);

        Assert.Equal(
            [(CountState.Requested, CountState.Counting), (CountState.Counting, CountState.Counted),
             (CountState.Counted, CountState.Recounting), (CountState.Recounting, CountState.ReadyToReview)],
            count.History.Select(h => (h.From, h.To)));
    }

    [Theory]
    [InlineData(CountState.Requested)]
    [InlineData(CountState.Counting)]
    [InlineData(CountState.Recounting)]
    [InlineData(CountState.ReadyToReview)]
    public void Any_state_before_completed_can_be_cancelled(CountState state)
    {
        var count = InState(state);

        count.Cancel("sup-2");

        Assert.Equal(CountState.Cancelled, count.State);
        Assert.Equal("sup-2", count.CancelledBy);
        Assert.False(count.IsOpen);
    }

    [Fact]
    public void A_completed_count_cannot_be_cancelled()
    {
        var e = Assert.Throws<RuleViolationException>(() => InState(CountState.Completed).Cancel());

        Assert.Equal("count C-7 is Completed; a completed count cannot be cancelled (its adjustments stand)", e.Message);
    }

    [Fact]
    public void After_cancel_nothing_else_is_allowed()
    {
        var count = InState(CountState.Cancelled);

        Assert.Contains("Cancelled already", Assert.Throws<RuleViolationException>(() => count.Cancel()).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.Start([], T0)).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.Submit(Bob, Seen("A-01", "P-1"))).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.Close()).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.Approve()).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.Resnapshot(Serial("A-01", "P-1"))).Message);
        Assert.Contains("is Cancelled", Assert.Throws<RuleViolationException>(() => count.AdjustmentsToPost()).Message);
        Assert.Equal(0, count.MarkStale("A-01", "P-1"));
    }

    [Theory]
    [InlineData(CountState.Counting)]
    [InlineData(CountState.Recounting)]
    [InlineData(CountState.ReadyToReview)]
    [InlineData(CountState.Completed)]
    public void Counting_starts_only_once_from_requested(CountState state)
    {
        var e = Assert.Throws<RuleViolationException>(() => InState(state).Start([], T0));

        Assert.Equal($"count C-7 is {state}; only a Requested count can start counting", e.Message);
    }

    [Theory]
    [InlineData(CountState.Requested)]
    [InlineData(CountState.ReadyToReview)]
    [InlineData(CountState.Completed)]
    public void Lines_are_submitted_only_while_counting_or_recounting(CountState state)
    {
        var e = Assert.Throws<RuleViolationException>(() => InState(state).Submit(Carol, Seen("A-01", "P-1", "S1")));

        Assert.Equal($"count C-7 is {state}; lines are submitted only while it is Counting or Recounting", e.Message);
    }

    [Theory]
    [InlineData(CountState.Requested)]
    [InlineData(CountState.ReadyToReview)]
    [InlineData(CountState.Completed)]
    public void Only_a_counting_or_recounting_count_is_closed(CountState state)
    {
        var e = Assert.Throws<RuleViolationException>(() => InState(state).Close());

        Assert.Equal($"count C-7 is {state}; only a Counting or Recounting count can be closed", e.Message);
    }

    [Theory]
    [InlineData(CountState.Requested)]
    [InlineData(CountState.Counting)]
    [InlineData(CountState.Recounting)]
    public void Only_a_ready_to_review_count_is_approved(CountState state)
    {
        var e = Assert.Throws<RuleViolationException>(() => InState(state).Approve());

        Assert.Equal($"count C-7 is {state}; only a ReadyToReview count can be approved", e.Message);
    }

    [Theory]
    [InlineData(CountState.Requested)]
    [InlineData(CountState.ReadyToReview)]
    [InlineData(CountState.Completed)]
    public void A_movement_outside_counting_and_recounting_marks_nothing(CountState state) =>
        Assert.Equal(0, InState(state).MarkStale("A-01", "P-1"));

    [Fact]
    public void Close_with_uncounted_lines_is_refused_saying_how_many_and_which()
    {
        var count = Started(Bins("A-01", "A-02"), Serial("A-01", "P-1", "S1"), Serial("A-02", "P-2", "S2"), Serial("A-02", "P-3", "S3"));
        count.Submit(Alice, Seen("A-02", "P-2", "S2"));

        var e = Assert.Throws<RuleViolationException>(() => count.Close());

        Assert.Equal("count C-7: 2 line(s) not counted yet, e.g. (A-01, P-1), (A-02, P-3); count them (or cancel the count) before closing", e.Message);
        Assert.Equal(CountState.Counting, count.State);
    }

    [Fact]
    public void Close_with_many_uncounted_lines_names_only_a_few()
    {
        var count = Started(Bins("A-01"), Enumerable.Range(0, 50).Select(i => Serial("A-01", $"P-{i:00}", $"S{i}")).ToArray());

        var e = Assert.Throws<RuleViolationException>(() => count.Close());

        Assert.StartsWith("count C-7: 50 line(s) not counted yet, e.g. (A-01, P-00), (A-01, P-01), (A-01, P-02), (A-01, P-03), (A-01, P-04), …", e.Message);
    }

    [Fact]
    public void An_empty_count_closes_straight_to_review_and_posts_nothing()
    {
        var count = Started(Bins("A-01"));

        Assert.Equal(CountState.ReadyToReview, count.Close().State);
        Assert.Empty(count.Approve());
    }
}
