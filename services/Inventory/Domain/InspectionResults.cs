using Logistics.Events.V1;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>How a returns inspection result moves the stock (docs/domain.md "Faulty-part return": faulty → quarantined / on hand / scrapped).</summary>
public static class InspectionResults
{
    public static InspectionOutcome ToOutcome(string? result) => result switch
    {
        ReturnInspectionResults.ConfirmedFault => InspectionOutcome.Quarantine,
        ReturnInspectionResults.NoFaultFound => InspectionOutcome.ToStock,
        ReturnInspectionResults.DamagedInTransit => InspectionOutcome.Scrap,
        _ => throw new InvalidFieldException("result", $"'{result}' is not an inspection result (confirmed-fault, no-fault-found, damaged-in-transit)"),
    };
}
