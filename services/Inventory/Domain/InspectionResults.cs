using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>How a returns inspection result moves the stock (docs/domain.md "Faulty-part return": faulty → quarantined / on hand / scrapped).</summary>
public static class InspectionResults
{
    public static InspectionOutcome ToOutcome(string? result) => result switch
    {
        "confirmed-fault" => InspectionOutcome.Quarantine,
        "no-fault-found" => InspectionOutcome.ToStock,
        "damaged-in-transit" => InspectionOutcome.Scrap,
        _ => throw new InvalidFieldException("result", $"'{result}' is not an inspection result (confirmed-fault, no-fault-found, damaged-in-transit)"),
    };
}
