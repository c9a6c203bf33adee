using Logistics.Returns.Domain;
using Logistics.SharedKernel;

namespace Logistics.Returns.Tests;

public sealed class ReturnIdsAndCodesTests
{
    [Fact]
    public void States_parse_in_any_case_and_unknown_ones_are_refused()
    {
        Assert.Equal(ReturnState.Shipped, ReturnStates.Parse("shipped"));
        Assert.Equal(ReturnState.Closed, ReturnStates.Parse(" Closed "));
        var e = Assert.Throws<InvalidFieldException>(() => ReturnStates.Parse("Lost"));
        Assert.Equal("state", e.Field);
        Assert.Contains("Open, Packed, Shipped, Received, Inspected, Closed", e.Message);
        Assert.Throws<InvalidFieldException>(() => ReturnStates.Parse("1"));
    }

    [Fact]
    public void Inspection_results_have_their_wire_codes()
    {
        foreach (var result in new[] { InspectionResult.ConfirmedFault, InspectionResult.NoFaultFound, InspectionResult.DamagedInTransit })
            Assert.Equal(result, ReturnCodes.ParseResult(result.Code()));
        Assert.Equal("no-fault-found", InspectionResult.NoFaultFound.Code());
    }

    [Fact]
    public void A_swap_expects_f006_and_a_dead_unit_f003()
    {
        Assert.Equal("F006", ReturnCodes.ExpectedCategoryCode(ReturnKind.Swap));
        Assert.Equal("F003", ReturnCodes.ExpectedCategoryCode(ReturnKind.DeadUnit));
    }
}
