using Logistics.Events.V1;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class DeadlineTests
{
    [Fact]
    public void Nothing_is_flagged_up_to_the_due_date_itself()
    {
        var r = OpenSwap();
        Assert.Empty(r.MarkDeadlinesPassed(r.DueAt));
        Assert.False(r.Overdue || r.Escalated || r.Unreturned);
        Assert.Single(r.History);
    }

    [Fact]
    public void Past_the_due_date_it_is_overdue_and_escalated_once()
    {
        var r = OpenSwap();
        var now = r.DueAt.AddSeconds(1);
        Assert.Equal([ReturnSteps.Overdue, ReturnSteps.Escalated], r.MarkDeadlinesPassed(now));
        Assert.True(r.Overdue && r.Escalated);
        Assert.False(r.Unreturned);
        Assert.All(r.History.Skip(1), s => Assert.Equal(ReturnActors.System, s.By));

        // Running the check again (the next scan, another replica) changes nothing.
        Assert.Empty(r.MarkDeadlinesPassed(now));
        Assert.Empty(r.MarkDeadlinesPassed(now.AddDays(5)));
        Assert.Equal(3, r.History.Count);
    }

    [Fact]
    public void Past_thirty_days_it_is_unreturned_once()
    {
        var r = OpenSwap();
        r.MarkDeadlinesPassed(r.DueAt.AddDays(1));
        Assert.Empty(r.MarkDeadlinesPassed(Delivered.AddDays(30)));
        Assert.Equal([ReturnSteps.Unreturned], r.MarkDeadlinesPassed(Delivered.AddDays(30).AddTicks(1)));
        Assert.True(r.Unreturned);
        Assert.Empty(r.MarkDeadlinesPassed(Delivered.AddDays(90)));
    }

    [Fact]
    public void A_scan_that_first_runs_after_thirty_days_raises_every_flag_at_once()
    {
        var r = OpenSwap();
        Assert.Equal([ReturnSteps.Overdue, ReturnSteps.Escalated, ReturnSteps.Unreturned], r.MarkDeadlinesPassed(Delivered.AddDays(31)));
    }

    [Fact]
    public void Packed_and_shipped_returns_still_become_overdue()
    {
        Assert.Contains(ReturnSteps.Overdue, Packed().MarkDeadlinesPassed(Delivered.AddDays(11)));
        Assert.Contains(ReturnSteps.Overdue, Shipped().MarkDeadlinesPassed(Delivered.AddDays(11)));
    }

    [Fact]
    public void A_received_or_closed_return_is_never_flagged()
    {
        var received = Received();
        Assert.Empty(received.MarkDeadlinesPassed(Delivered.AddDays(60)));
        Assert.False(received.Overdue || received.Unreturned);
        received.Inspect("wh-1", "confirmed-fault", null, null, PackedAt.AddDays(3));
        Assert.Empty(received.MarkDeadlinesPassed(Delivered.AddDays(60)));
    }

    [Fact]
    public void Flags_raised_before_the_receipt_stay_after_it()
    {
        var r = Shipped();
        r.MarkDeadlinesPassed(Delivered.AddDays(31));
        r.Receive(Receipt());
        Assert.Equal(ReturnState.Received, r.State);
        Assert.True(r.Overdue && r.Escalated && r.Unreturned);
    }

    [Fact]
    public void A_dead_unit_is_overdue_escalated_and_unreturned_together_thirty_days_on()
    {
        var r = OpenDeadUnit();
        Assert.Empty(r.MarkDeadlinesPassed(Approved.AddDays(30)));
        Assert.Equal([ReturnSteps.Overdue, ReturnSteps.Escalated, ReturnSteps.Unreturned], r.MarkDeadlinesPassed(Approved.AddDays(30).AddTicks(1)));
    }

    [Fact]
    public void A_dead_units_deadline_runs_from_its_replacements_shipment()
    {
        var r = OpenDeadUnit();
        var shipped = Approved.AddHours(5);
        Assert.True(r.StartDeadUnitClock(shipped, "SN-REPL", Policy, shipped));
        Assert.Equal(shipped.AddDays(30), r.DueAt);
        Assert.Equal(shipped.AddDays(30), r.UnreturnedAt);
        Assert.Equal(shipped, r.ClockStartedAt);
        Assert.Equal("SN-REPL", r.ReplacementSerial);
        Assert.Equal(ReturnHistorySteps.Rescheduled, r.History[^1].Step);
        Assert.False(ReturnHistorySteps.IsPublished(ReturnHistorySteps.Rescheduled));

        // The same shipment again changes nothing.
        Assert.False(r.StartDeadUnitClock(shipped, "SN-REPL", Policy, shipped));
        Assert.Equal(2, r.History.Count);
    }

    [Fact]
    public void A_later_shipment_lowers_flags_whose_deadline_moved_past_now_but_the_escalation_stays()
    {
        var r = OpenDeadUnit();
        var now = Approved.AddDays(31);
        r.MarkDeadlinesPassed(now);
        r.StartDeadUnitClock(Approved.AddDays(20), "SN-REPL", Policy, now);
        Assert.False(r.Overdue);
        Assert.False(r.Unreturned);
        Assert.True(r.Escalated);
        // Overdue again later, but never escalated twice.
        Assert.Equal([ReturnSteps.Overdue, ReturnSteps.Unreturned], r.MarkDeadlinesPassed(Approved.AddDays(51)));
    }

    [Fact]
    public void A_swap_return_does_not_take_a_shipment_clock()
    {
        Assert.Throws<RuleViolationException>(() => OpenSwap().StartDeadUnitClock(Approved, "SN-REPL", Policy, Approved));
    }

    [Fact]
    public void A_shipment_that_arrives_after_the_dead_unit_was_received_takes_its_place_in_the_history()
    {
        var received = OpenDeadUnit();
        received.Pack(Engineer, PackingFor(received), Approved.AddDays(1));
        received.Ship(Engineer, "DHL", "TRK-1", Approved.AddDays(1).AddHours(1));
        received.Receive(new ReturnReceipt("RC-1", "wh-1", Approved.AddDays(3), [DeadSerial], true, true));
        var steps = received.History.Count;
        var shipped = Approved.AddHours(2); // the replacement shipped before the dead unit was packed
        Assert.True(received.StartDeadUnitClock(shipped, "SN-REPL", Policy, Approved.AddDays(40)));
        Assert.Equal((shipped.AddDays(30), "SN-REPL", ReturnState.Received), (received.DueAt, received.ReplacementSerial, received.State));
        Assert.Equal([ReturnSteps.Opened, ReturnHistorySteps.Rescheduled], received.History.Take(2).Select(h => h.Step));
        Assert.Equal(ReturnState.Open, received.History[1].State); // the state it had then
        Assert.Equal(steps + 1, received.History.Count);
        Assert.False(received.Overdue); // received: no flag is raised after the fact
    }
}
