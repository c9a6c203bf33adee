using Logistics.Web.Inbox;

namespace Logistics.Web.Tests;

/// <summary>What waits for whom, and when work is due soon.</summary>
public sealed class InboxRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<string> Warehouse = ["warehouse"];
    private static readonly HashSet<string> Supervisor = ["supervisor"];

    [Theory]
    [InlineData("Open", 48 * 60, false, true)]        // due in exactly two days
    [InlineData("Open", 48 * 60 + 1, false, false)]   // a minute more: not yet
    [InlineData("Packed", 60, false, true)]
    [InlineData("Open", -60, false, true)]            // past due
    [InlineData("Open", 10 * 24 * 60, true, true)]    // flagged overdue by returns wins over the date
    [InlineData("Shipped", -60, true, false)]         // on its way: nothing left for the engineer
    [InlineData("Inspected", 60, false, false)]
    public void A_return_is_due_soon_within_two_days_or_overdue_until_it_is_shipped(string state, int dueInMinutes, bool overdue, bool expected) =>
        Assert.Equal(expected, InboxRules.ReturnDueSoon(state, Now.AddMinutes(dueInMinutes), overdue, Now));

    [Fact]
    public void A_return_without_a_due_date_is_due_only_when_flagged_overdue()
    {
        Assert.False(InboxRules.ReturnDueSoon("Open", null, false, Now));
        Assert.True(InboxRules.ReturnDueSoon("Open", null, true, Now));
    }

    [Theory]
    [InlineData("Reserved", 30, true)]
    [InlineData("Reserved", 31, false)]
    [InlineData("Reserved", -5, true)]    // late: still to ship
    [InlineData("Approved", 10, false)]   // not reserved yet: nothing to pick
    [InlineData("Shipped", 10, false)]
    public void A_shipment_is_due_soon_from_30_minutes_before_its_ship_by(string state, int shipByInMinutes, bool expected) =>
        Assert.Equal(expected, InboxRules.ShipSoon(state, Now.AddMinutes(shipByInMinutes), Now));

    [Fact]
    public void Nobody_is_asked_to_decide_their_own_request_or_claim()
    {
        Assert.True(InboxRules.AwaitsApproval("Submitted", "eng-1", "sup-1"));
        Assert.False(InboxRules.AwaitsApproval("Submitted", "sup-1", "sup-1"));
        Assert.False(InboxRules.AwaitsApproval("Approved", "eng-1", "sup-1"));
        Assert.True(InboxRules.AwaitsDecision("Filed", "dm-1", "dm-2"));
        Assert.False(InboxRules.AwaitsDecision("Filed", "dm-2", "dm-2"));
        Assert.False(InboxRules.AwaitsDecision("Approved", "dm-1", "dm-2"));
    }

    [Fact]
    public void Warehouse_staff_recount_and_supervisors_review()
    {
        Assert.Equal(InboxKind.Recount, InboxRules.CountWork("Recounting", Warehouse));
        Assert.Null(InboxRules.CountWork("Recounting", Supervisor));
        Assert.Equal(InboxKind.CountReview, InboxRules.CountWork("ReadyToReview", Supervisor));
        Assert.Null(InboxRules.CountWork("ReadyToReview", Warehouse));
        Assert.Null(InboxRules.CountWork("Counting", Warehouse));
    }

    [Fact]
    public void A_count_sent_back_for_a_recount_is_a_new_item()
    {
        Assert.NotEqual(InboxRules.KeyOf(InboxKind.Recount, "C1", "Recounting"), InboxRules.KeyOf(InboxKind.CountReview, "C1", "ReadyToReview"));
        Assert.Equal("approval:PR-1", InboxRules.KeyOf(InboxKind.Approval, "PR-1"));
    }

    [Fact]
    public void Items_marked_done_are_hidden_and_the_rest_come_most_urgent_first()
    {
        var later = Item("approval:B", due: Now.AddHours(3));
        var sooner = Item("shipsoon:A", due: Now.AddMinutes(10));
        var undated = Item("anomaly:C", due: null);
        var hidden = Item("approval:D", due: Now);
        var marks = new Dictionary<string, InboxMark> { ["approval:D"] = new(true, true), ["approval:B"] = new(true, false) };

        var visible = InboxRules.Visible([undated, later, hidden, sooner], marks);

        Assert.Equal(["shipsoon:A", "approval:B", "anomaly:C"], visible.Select(i => i.Key));
    }

    [Fact]
    public void A_user_listens_to_their_own_records_their_centres_and_their_roles_work()
    {
        var keys = InboxRules.WatchKeys("sup-1", Supervisor, ["SZ-01"]);
        Assert.Contains("engineer:sup-1", keys);
        Assert.Contains("centre:SZ-01", keys);
        Assert.Contains("inbox:supervisor", keys);
        Assert.Contains("inbox:supervisor", InboxRules.KeysOfTopic("part-request-submitted"));
        Assert.Contains("inbox:delivery-manager", InboxRules.KeysOfTopic("doa-claim-changed"));
        Assert.Contains("inbox:auditor", InboxRules.KeysOfTopic("custody-anomaly-detected"));
        Assert.Contains("inbox:supervisor", InboxRules.KeysOfTopic("custody-anomaly-resolved"));
        Assert.Empty(InboxRules.KeysOfTopic("stock-movement-recorded"));
    }

    private static InboxItem Item(string key, DateTimeOffset? due) => new(key, InboxKind.Approval, key, "", "/", due, null);

    [Fact]
    public void A_lost_in_transit_investigation_waits_for_a_claim_then_for_another_supervisor()
    {
        HashSet<string> dm = ["delivery-manager"];
        Assert.True(InboxRules.AwaitsTransitAction("Open", "", "dm-1", dm));
        Assert.True(InboxRules.AwaitsTransitAction("Open", "", "wh-1", Warehouse));
        Assert.False(InboxRules.AwaitsTransitAction("Open", "", "sup-1", Supervisor));
        Assert.True(InboxRules.AwaitsTransitAction("LossProposed", "dm-1", "sup-1", Supervisor));
        Assert.False(InboxRules.AwaitsTransitAction("LossProposed", "sup-1", "sup-1", Supervisor));
        Assert.False(InboxRules.AwaitsTransitAction("LossProposed", "dm-1", "dm-2", dm));
        Assert.False(InboxRules.AwaitsTransitAction("WrittenOff", "dm-1", "sup-1", Supervisor));
        Assert.NotEqual(InboxRules.KeyOf(InboxKind.LostInTransit, "TI-1", "Open"), InboxRules.KeyOf(InboxKind.LostInTransit, "TI-1", "LossProposed"));
    }
}
