using Logistics.Events.V1;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class OpeningTests
{
    [Fact]
    public void The_swap_opens_the_return_of_the_removed_part_due_ten_days_after_the_replacement_was_signed_for()
    {
        var r = OpenSwap();
        Assert.Equal(ReturnState.Open, r.State);
        Assert.Equal(ReturnKind.Swap, r.Kind);
        Assert.Equal(FaultySerial, r.Serial);
        Assert.Equal(GoodSerial, r.ReplacementSerial);
        Assert.Equal((RequestId, "", Engineer, "C1", Part, "EQ-7", "T-100", "SITE-1"),
            (r.RequestId, r.DoaClaimId, r.EngineerId, r.CentreId, r.PartNumber, r.EquipmentId, r.TicketId, r.SiteId));
        Assert.Equal(Installed, r.OpenedAt);
        Assert.Equal(Delivered.AddDays(10), r.DueAt);
        Assert.Equal(Delivered.AddDays(30), r.UnreturnedAt);
        Assert.Equal("F006", r.ExpectedCategoryCode);
        Assert.False(r.Overdue || r.Escalated || r.Unreturned);
        var opened = Assert.Single(r.NewSteps);
        Assert.Equal((ReturnSteps.Opened, ReturnState.Open, Engineer), (opened.Step, opened.State, opened.By));
    }

    [Fact]
    public void The_return_id_comes_from_the_request_so_a_redelivered_swap_names_the_same_return()
    {
        Assert.Equal(OpenSwap().ReturnId, OpenSwap().ReturnId);
        Assert.NotEqual(OpenSwap().ReturnId, OpenSwap("PR-18").ReturnId);
        Assert.Equal("RT-" + Fingerprint.Hex(RequestId)[..16], OpenSwap().ReturnId);
        Assert.Matches("^RT-[0-9a-f]{16}$", OpenSwap().ReturnId);
    }

    [Fact]
    public void An_approved_doa_claim_opens_the_dead_unit_return_with_f003_due_thirty_days_on()
    {
        var r = OpenDeadUnit();
        Assert.Equal(ReturnKind.DeadUnit, r.Kind);
        Assert.Equal(ReturnIds.ForDeadUnit(ClaimId), r.ReturnId);
        Assert.Equal("RT-" + Fingerprint.Hex(ClaimId)[..16], r.ReturnId);
        Assert.Equal((ClaimId, "PR-3", DeadSerial, ""), (r.DoaClaimId, r.RequestId, r.Serial, r.ReplacementSerial));
        Assert.Equal("F003", r.ExpectedCategoryCode);
        Assert.Equal(Approved.AddDays(30), r.DueAt);
        Assert.Equal(r.DueAt, r.UnreturnedAt);
        Assert.Equal("dm-1", r.OpenedBy);
    }

    [Fact]
    public void A_swap_without_a_removed_serial_or_removing_what_it_installed_is_refused_naming_the_field()
    {
        Assert.Equal("removed_serial", Assert.Throws<InvalidFieldException>(() => FaultyReturn.OpenForSwap(Swap(removed: ""), Policy)).Field);
        Assert.Equal("removed_serial", Assert.Throws<InvalidFieldException>(() => FaultyReturn.OpenForSwap(Swap(removed: GoodSerial), Policy)).Field);
        Assert.Equal("request_id", Assert.Throws<InvalidFieldException>(() => FaultyReturn.OpenForSwap(Swap(requestId: " "), Policy)).Field);
        Assert.Equal("engineer_id", Assert.Throws<InvalidFieldException>(() => FaultyReturn.OpenForSwap(Swap(engineer: ""), Policy)).Field);
    }

    [Fact]
    public void The_deadlines_follow_the_policy()
    {
        var policy = new ReturnPolicy(TimeSpan.FromDays(15), TimeSpan.FromDays(20), TimeSpan.FromDays(40));
        var swap = FaultyReturn.OpenForSwap(Swap(), policy);
        Assert.Equal(Delivered.AddDays(15), swap.DueAt);
        Assert.Equal(Delivered.AddDays(40), swap.UnreturnedAt);
        var dead = FaultyReturn.OpenForDeadUnit(DeadUnit(), policy);
        Assert.Equal(Approved.AddDays(20), dead.DueAt);
        Assert.Equal(Approved.AddDays(40), dead.UnreturnedAt);
    }

    [Fact]
    public void Unreturned_is_never_before_the_due_date()
    {
        var policy = new ReturnPolicy(TimeSpan.FromDays(10), TimeSpan.FromDays(30), TimeSpan.FromDays(5));
        var swap = FaultyReturn.OpenForSwap(Swap(), policy);
        Assert.Equal(swap.DueAt, swap.UnreturnedAt);
    }

    [Fact]
    public void A_policy_with_a_zero_period_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ReturnPolicy(TimeSpan.Zero, TimeSpan.FromDays(30), TimeSpan.FromDays(30)).Checked());
        Assert.Throws<ArgumentException>(() => new ReturnPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(-1), TimeSpan.FromDays(30)).Checked());
        Assert.Throws<ArgumentException>(() => new ReturnPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.Zero).Checked());
    }

    [Fact]
    public void A_restored_return_has_no_new_steps()
    {
        var r = FaultyReturn.Restore(Packed().ToSnapshot());
        Assert.Empty(r.NewSteps);
        Assert.Equal(2, r.History.Count);
        r.Ship(Engineer, "DHL", "TRK-1", PackedAt);
        Assert.Equal([ReturnSteps.Shipped], r.NewSteps.Select(s => s.Step));
    }
}
