using Logistics.Events.V1;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class InspectionTests
{
    private static readonly DateTimeOffset InspectedAt = PackedAt.AddDays(3);

    [Theory]
    [InlineData("confirmed-fault", InspectionResult.ConfirmedFault)]
    [InlineData("damaged-in-transit", InspectionResult.DamagedInTransit)]
    [InlineData("Confirmed-Fault", InspectionResult.ConfirmedFault)]
    public void The_warehouse_inspects_a_received_return_which_closes_it(string code, InspectionResult result)
    {
        var r = Received();
        r.Inspect("wh-2", code, null, "burnt capacitor", InspectedAt);
        Assert.Equal(ReturnState.Closed, r.State);
        Assert.Equal(result, r.InspectionResult);
        Assert.Equal(("wh-2", "burnt capacitor", "", (DateTimeOffset?)InspectedAt), (r.InspectedBy, r.InspectionNote, r.InspectionBin, r.InspectedAt));
        // Both transitions are in the history: Received → Inspected → Closed.
        Assert.Equal([(ReturnSteps.Inspected, ReturnState.Inspected), (ReturnHistorySteps.Closed, ReturnState.Closed)],
            r.History.TakeLast(2).Select(s => (s.Step, s.State)));
    }

    [Fact]
    public void A_no_fault_found_part_goes_back_to_a_bin()
    {
        var r = Received();
        r.Inspect("wh-2", "no-fault-found", "A-01", "", InspectedAt);
        Assert.Equal((InspectionResult.NoFaultFound, "A-01"), (r.InspectionResult, r.InspectionBin));
    }

    [Fact]
    public void No_fault_found_without_a_bin_is_refused()
    {
        var r = Received();
        Assert.Equal("bin", Assert.Throws<InvalidFieldException>(() => r.Inspect("wh-2", "no-fault-found", "", "", InspectedAt)).Field);
        Assert.Equal(ReturnState.Received, r.State);
    }

    [Fact]
    public void A_bin_for_another_result_is_refused()
    {
        var r = Received();
        var e = Assert.Throws<InvalidFieldException>(() => r.Inspect("wh-2", "confirmed-fault", "A-01", "", InspectedAt));
        Assert.Equal("bin", e.Field);
        Assert.Null(r.InspectionResult);
    }

    [Fact]
    public void An_unknown_result_is_refused_naming_the_field()
    {
        var r = Received();
        Assert.Equal("result", Assert.Throws<InvalidFieldException>(() => r.Inspect("wh-2", "fine", null, null, InspectedAt)).Field);
        Assert.Equal("result", Assert.Throws<InvalidFieldException>(() => r.Inspect("wh-2", "", null, null, InspectedAt)).Field);
    }

    [Fact]
    public void Inspecting_before_receipt_is_refused()
    {
        foreach (var r in new[] { OpenSwap(), Packed(), Shipped() })
        {
            var state = r.State;
            var e = Assert.Throws<RuleViolationException>(() => r.Inspect("wh-2", "confirmed-fault", null, null, InspectedAt));
            Assert.Equal($"return {r.ReturnId} is {state}; it can be inspected only once the centre has received it", e.Message);
            Assert.Equal(state, r.State);
        }
    }

    [Fact]
    public void A_closed_return_is_not_inspected_again()
    {
        var r = Received();
        r.Inspect("wh-2", "confirmed-fault", null, null, InspectedAt);
        var e = Assert.Throws<RuleViolationException>(() => r.Inspect("wh-2", "no-fault-found", "A-01", null, InspectedAt));
        Assert.Contains("already inspected (confirmed-fault)", e.Message);
        Assert.Equal(InspectionResult.ConfirmedFault, r.InspectionResult);
    }

    [Fact]
    public void The_state_is_checked_before_the_fields() =>
        Assert.Throws<RuleViolationException>(() => Shipped().Inspect("wh-2", "nonsense", null, null, InspectedAt));
}

public sealed class DeadUnitInspectionTests
{
    private static readonly DateTimeOffset InspectedAt = ReturnTestKit.Approved.AddDays(5);

    [Fact]
    public void A_dead_unit_is_not_inspected_through_the_return_but_through_its_claim()
    {
        var r = ReturnTestKit.Received(ReturnTestKit.OpenDeadUnit());
        var refused = Assert.Throws<RuleViolationException>(() => r.Inspect("wh-2", "confirmed-fault", null, null, InspectedAt));
        Assert.Contains(ReturnTestKit.ClaimId, refused.Message);
        Assert.Equal(ReturnState.Received, r.State);
    }

    [Theory]
    [InlineData("confirmed-doa", InspectionResult.ConfirmedFault)]
    [InlineData("no-fault-found", InspectionResult.NoFaultFound)]
    public void The_claims_inspection_closes_the_dead_unit_return_once(string claimResult, InspectionResult result)
    {
        var r = ReturnTestKit.Received(ReturnTestKit.OpenDeadUnit());
        Assert.True(r.CloseOnDoaInspection(claimResult, "wh-2", InspectedAt));
        Assert.Equal((ReturnState.Closed, (InspectionResult?)result, "wh-2"), (r.State, r.InspectionResult, r.InspectedBy));
        var steps = r.History.Count;
        Assert.False(r.CloseOnDoaInspection(claimResult, "wh-2", InspectedAt));
        Assert.Equal(steps, r.History.Count);
    }

    [Fact]
    public void The_claims_inspection_before_the_unit_arrived_is_refused_and_a_swap_return_is_left_alone()
    {
        var shipped = ReturnTestKit.Shipped(ReturnTestKit.OpenDeadUnit());
        Assert.Throws<RuleViolationException>(() => shipped.CloseOnDoaInspection("confirmed-doa", "wh-2", InspectedAt));
        Assert.Equal(ReturnState.Shipped, shipped.State);
        var swap = ReturnTestKit.Received();
        Assert.False(swap.CloseOnDoaInspection("confirmed-doa", "wh-2", InspectedAt));
        Assert.Equal(ReturnState.Received, swap.State);
    }
}
