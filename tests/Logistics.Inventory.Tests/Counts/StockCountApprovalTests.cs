using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Approval: nobody approves their own count; the adjustments, their reasons, and retries.</summary>
public sealed class StockCountApprovalTests
{
    /// <summary>Bins: A-01/P-1 one serial missing, A-02/P-1 one found, A-02/P-2 as expected; all confirmed by Bob's recount.</summary>
    private static StockCount ReadyToReview()
    {
        var count = Started(Bins("A-01", "A-02"),
            Serial("A-01", "P-1", "S1", "S2"), Serial("A-02", "P-1", "S3"), Serial("A-02", "P-2", "T1"));
        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-02", "P-1", "S3", "S2"));
        count.Submit(Carol, Seen("A-02", "P-2", "T1"));
        Assert.Equal(2, count.Close().LinesToRecount.Count);
        count.Submit(Bob, Seen("A-01", "P-1", "S1"), Seen("A-02", "P-1", "S2", "S3"));
        Assert.Equal(CountState.ReadyToReview, count.Close().State);
        return count;
    }

    private static readonly CountAdjustment[] Expected =
    [
        new("A-01", "P-1", -1, [], ["S2"], "missing"),
        new("A-02", "P-1", 1, ["S2"], [], "found"),
    ];

    [Theory]
    [InlineData(Alice)]
    [InlineData(Bob)]
    [InlineData(Carol)]
    public void Nobody_approves_their_own_count(string counter)
    {
        var count = ReadyToReview();

        var e = Assert.Throws<NotAllowedException>(() => count.Approve(counter));

        Assert.Equal($"nobody approves their own count: {counter} counted lines of count C-7", e.Message);
        Assert.Equal(CountState.ReadyToReview, count.State);
    }

    [Fact]
    public void A_counter_whose_recount_was_voided_still_counted()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 10));
        count.Submit(Alice, Counted("SCREW-M3", 5));
        count.Close();
        count.Submit(Bob, Counted("SCREW-M3", 5));
        count.MarkStale("", "SCREW-M3");
        count.Resnapshot(Qty("SCREW-M3", 10));
        count.Submit(Carol, Counted("SCREW-M3", 5));
        count.Close();

        Assert.Throws<NotAllowedException>(() => count.Approve(Bob));
        Assert.Single(count.Approve("sup-1"));
    }

    [Fact]
    public void Approval_posts_one_adjustment_per_line_with_a_variance_with_default_reasons()
    {
        var count = ReadyToReview();

        var adjustments = count.Approve();

        Assert.Equal(Expected, adjustments);
        Assert.Equal(CountState.Completed, count.State);
        Assert.Equal(adjustments, count.AdjustmentsToPost());
    }

    [Fact]
    public void The_approver_names_the_reasons()
    {
        var count = ReadyToReview();

        var adjustments = count.Approve("sup-1", new Dictionary<CountLineKey, string>
        {
            [Key("A-01", "P-1")] = "misplaced",
            [Key("A-02", "P-1")] = "Misplaced",
        });

        Assert.All(adjustments, a => Assert.Equal("misplaced", a.ReasonCode));
        Assert.Equal("misplaced", count.Review(Supervisor).Line("A-01", "P-1").ReasonCode);
    }

    [Theory]
    [InlineData("A-01", "P-1", "stolen", "'stolen' is not a reason code; allowed: damaged, found, missing, misplaced, data-entry-error")]
    [InlineData("A-02", "P-2", "found", "(A-02, P-2) has no variance to adjust")]
    [InlineData("A-09", "P-1", "found", "(A-09, P-1) is not a line of count C-7")]
    public void A_bad_reason_is_refused_and_nothing_is_approved(string bin, string part, string code, string problem)
    {
        var count = ReadyToReview();

        var e = Assert.Throws<InvalidFieldException>(() => count.Approve("sup-1", new Dictionary<CountLineKey, string> { [Key(bin, part)] = code }));

        Assert.Equal("reason_codes", e.Field);
        Assert.Contains(problem, e.Message);
        Assert.Equal(CountState.ReadyToReview, count.State);
    }

    [Fact]
    public void Approving_twice_returns_the_same_adjustments_and_changes_nothing()
    {
        var count = ReadyToReview();
        var first = count.Approve("sup-1", null, T0.AddHours(2));

        var again = count.Approve("sup-1", null, T0.AddHours(5));

        Assert.Equal(first, again);
        Assert.Equal(Expected, again);
        Assert.Equal((CountState.Completed, T0.AddHours(2)), (count.State, count.ApprovedAt!.Value));
        Assert.Single(count.History, h => h.To == CountState.Completed);
        Assert.Equal(first, count.AdjustmentsToPost());
    }

    [Fact]
    public void A_completed_count_is_not_approved_again_by_someone_else_or_with_other_reasons()
    {
        var count = ReadyToReview();
        count.Approve();

        Assert.StartsWith("count C-7 is Completed: it was approved by sup-1 at",
            Assert.Throws<RuleViolationException>(() => count.Approve("sup-2")).Message);
        Assert.Equal("count C-7 is Completed: (A-01, P-1) was approved with reason 'missing', not 'damaged'",
            Assert.Throws<RuleViolationException>(() => count.Approve("sup-1", new Dictionary<CountLineKey, string> { [Key("A-01", "P-1")] = "damaged" })).Message);
        Assert.Throws<NotAllowedException>(() => count.Approve(Alice));
    }

    [Fact]
    public void There_are_no_adjustments_to_post_before_approval()
    {
        var e = Assert.Throws<RuleViolationException>(() => ReadyToReview().AdjustmentsToPost());

        Assert.Equal("count C-7 is ReadyToReview; adjustments exist once a count is approved (Completed)", e.Message);
    }

    [Fact]
    public void The_adjustments_depend_only_on_the_reviewed_lines()
    {
        // Two counts built the same way, lines submitted in a different order, give equal lists.
        var a = ReadyToReview();
        var b = Started(Bins("A-01", "A-02"),
            Serial("A-02", "P-2", "T1"), Serial("A-02", "P-1", "S3"), Serial("A-01", "P-1", "S2", "S1"));
        b.Submit(Carol, Seen("A-02", "P-2", "T1"));
        b.Submit(Alice, Seen("A-02", "P-1", "S2", "S3"), Seen("A-01", "P-1", "S1"));
        b.Close();
        b.Submit(Bob, Seen("A-02", "P-1", "S3", "S2"), Seen("A-01", "P-1", "S1"));
        b.Close();

        Assert.Equal(a.Approve(), b.Approve());
    }
}
