using Logistics.Doa.Domain;
using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>Approved → ReplacementShipped → ReplacementReceived → UnitReturned → Inspected → Closed, in order and out of order.</summary>
public sealed class ProgressTests
{
    private static readonly DateTimeOffset Shipped = Delivered.AddHours(4);
    private static readonly DateTimeOffset Received = Delivered.AddHours(6);
    private static readonly DateTimeOffset Returned = Delivered.AddDays(3);

    private static string[] Steps(IEnumerable<DoaTransition> transitions) => transitions.Select(t => t.Step).ToArray();

    [Fact]
    public void Each_fact_moves_the_claim_one_step()
    {
        var claim = Approved();

        var shipped = Assert.Single(claim.RecordReplacementShipped("R1", "wh-1", Shipped));
        Assert.Equal((DoaClaimState.ReplacementShipped, "wh-1", Shipped, "R1"), (shipped.To, shipped.By, shipped.At, shipped.Note));
        Assert.Equal("R1", claim.ReplacementSerial);

        var received = Assert.Single(claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Received));
        Assert.Equal((DoaClaimState.ReplacementReceived, "eng-1", Received), (received.To, received.By, received.At));

        var returned = Assert.Single(claim.RecordUnitReturned("RET-1", "wh-2", Returned));
        Assert.Equal((DoaClaimState.UnitReturned, "wh-2", Returned), (returned.To, returned.By, returned.At));
        Assert.Equal("RET-1", claim.DeadUnitReturn!.ReturnId);

        Assert.Equal(["filed", "approved", "replacement-shipped", "replacement-received", "unit-returned"], Steps(claim.History));
    }

    [Fact]
    public void Inspection_records_inspected_and_closes_at_once()
    {
        var claim = Returned();
        var at = Delivered.AddDays(4);
        var transitions = claim.Inspect("confirmed-doa", "board shorted", "wh-3", at, Policy);
        Assert.Equal(["inspected", "closed"], Steps(transitions));
        Assert.Equal([DoaClaimState.Inspected, DoaClaimState.Closed], transitions.Select(t => t.To));
        Assert.Equal(DoaClaimState.Closed, claim.State);
        Assert.Equal(new DeadUnitInspection(InspectionResult.ConfirmedDoa, "board shorted", "wh-3", at), claim.Inspection);
        Assert.False(claim.IsOpen);
    }

    [Fact]
    public void No_fault_found_is_a_result_too() =>
        Assert.Equal(InspectionResult.NoFaultFound, Inspected("no-fault-found").Inspection!.Result);

    private static DoaClaim Inspected(string result)
    {
        var claim = Returned();
        claim.Inspect(result, null, "wh-3", Delivered.AddDays(4), Policy);
        return claim;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("confirmed-fault")]
    public void An_unknown_inspection_result_is_refused(string? result)
    {
        var claim = Returned();
        Assert.Equal("result", Assert.Throws<InvalidFieldException>(() => claim.Inspect(result, null, "wh-3", Delivered.AddDays(4), Policy)).Field);
        Assert.Equal(DoaClaimState.UnitReturned, claim.State);
    }

    [Fact]
    public void Inspecting_before_the_dead_unit_is_received_is_refused()
    {
        var claims = new[] { File(), Approved() };
        claims[1].RecordReplacementShipped("R1", "wh-1", Shipped);
        foreach (var claim in claims)
        {
            var state = claim.State;
            var e = Assert.Throws<RuleViolationException>(() => claim.Inspect("confirmed-doa", null, "wh-3", Delivered.AddDays(4), Policy));
            Assert.Equal($"claim DOA-1 is {state}: inspecting before the dead unit is received is refused", e.Message);
            Assert.Equal(state, claim.State);
            Assert.Null(claim.Inspection);
        }
    }

    [Fact]
    public void A_closed_claim_is_not_inspected_again()
    {
        var claim = Inspected("confirmed-doa");
        var e = Assert.Throws<RuleViolationException>(() => claim.Inspect("no-fault-found", null, "wh-4", Delivered.AddDays(5), Policy));
        Assert.Contains("already inspected (confirmed-doa)", e.Message);
        Assert.Equal(InspectionResult.ConfirmedDoa, claim.Inspection!.Result);
    }

    [Fact]
    public void The_unit_returned_before_the_replacement_was_received_waits_for_it()
    {
        var claim = Approved();
        claim.RecordReplacementShipped("R1", "wh-1", Shipped);

        Assert.Empty(claim.RecordUnitReturned("RET-1", "wh-2", Returned));
        Assert.Equal(DoaClaimState.ReplacementShipped, claim.State);
        Assert.Equal("RET-1", claim.DeadUnitReturn!.ReturnId); // the fact is kept

        var transitions = claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Received);
        Assert.Equal(["replacement-received", "unit-returned"], Steps(transitions));
        Assert.Equal([Received, Returned], transitions.Select(t => t.At)); // each step at its own fact's time
        Assert.Equal(DoaClaimState.UnitReturned, claim.State);
    }

    [Fact]
    public void Everything_arriving_in_reverse_order_ends_in_the_same_place()
    {
        var claim = Approved();
        Assert.Empty(claim.RecordUnitReturned("RET-1", "wh-2", Returned));
        Assert.Empty(claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Received));
        Assert.Equal(DoaClaimState.Approved, claim.State);
        Assert.Equal("R1", claim.ReplacementSerial); // known from the receipt before the shipment

        var transitions = claim.RecordReplacementShipped("R1", "wh-1", Shipped);
        Assert.Equal(["replacement-shipped", "replacement-received", "unit-returned"], Steps(transitions));
        Assert.Equal(Steps(Returned().History), Steps(claim.History));
    }

    [Fact]
    public void Facts_before_the_approval_are_kept_and_the_approval_moves_on_with_them()
    {
        var claim = File();
        Assert.Empty(claim.RecordReplacementShipped("R1", "wh-1", Shipped));
        Assert.Equal(DoaClaimState.Filed, claim.State);

        var transitions = claim.Approve("dm-2", Delivered.AddHours(3));
        Assert.Equal(["approved", "replacement-shipped"], Steps(transitions));
        Assert.Equal(DoaClaimState.ReplacementShipped, claim.State);
    }

    [Fact]
    public void A_fact_told_twice_changes_nothing_the_second_time()
    {
        var claim = Approved();
        claim.RecordReplacementShipped("R1", "wh-1", Shipped);
        Assert.Empty(claim.RecordReplacementShipped("R2", "wh-9", Shipped.AddHours(1)));
        Assert.Equal("R1", claim.ReplacementSerial);
        Assert.Equal(Shipped, claim.ReplacementShipment!.At);

        claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Received);
        Assert.Empty(claim.RecordReplacementReceived("RC-10", "R1", "eng-1", Received.AddHours(1)));
        claim.RecordUnitReturned("RET-1", "wh-2", Returned);
        Assert.Empty(claim.RecordUnitReturned("RET-2", "wh-2", Returned.AddHours(1)));
        Assert.Equal("RET-1", claim.DeadUnitReturn!.ReturnId);
        Assert.Equal(5, claim.History.Count);
    }

    [Fact]
    public void Facts_about_a_rejected_claim_move_nothing()
    {
        var claim = File();
        claim.Reject("dm-2", "unit works", Delivered.AddHours(3), Policy);
        Assert.Empty(claim.RecordReplacementShipped("R1", "wh-1", Shipped));
        Assert.Empty(claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Received));
        Assert.Empty(claim.RecordUnitReturned("RET-1", "wh-2", Returned));
        Assert.Equal(DoaClaimState.Rejected, claim.State);
    }

    [Fact]
    public void Facts_after_closing_move_nothing()
    {
        var claim = Inspected("confirmed-doa");
        Assert.Empty(claim.RecordReplacementShipped("R9", "wh-1", Shipped));
        Assert.Empty(claim.RecordUnitReturned("RET-9", "wh-2", Returned));
        Assert.Equal(DoaClaimState.Closed, claim.State);
    }

    [Fact]
    public void A_fact_without_a_person_names_the_service_that_told_it()
    {
        var claim = Approved();
        Assert.Equal("requests", Assert.Single(claim.RecordReplacementShipped("R1", "", Shipped)).By);
    }
}
