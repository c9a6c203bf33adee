using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Stock;

/// <summary>What inspection decides for a faulty unit.</summary>
public enum InspectionOutcome
{
    /// <summary>Confirmed fault or DOA: faulty → quarantined.</summary>
    Quarantine,
    /// <summary>No fault found after test: back on hand, into a bin.</summary>
    ToStock,
    /// <summary>Beyond repair: leaves the centre's books.</summary>
    Scrap,
}

public static class InspectionOutcomes
{
    public static string WireName(this InspectionOutcome outcome) => outcome switch
    {
        InspectionOutcome.Quarantine => "quarantine",
        InspectionOutcome.ToStock => "to-stock",
        InspectionOutcome.Scrap => "scrap",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static InspectionOutcome Parse(string? name, string field = "outcome") => name?.Trim() switch
    {
        "quarantine" => InspectionOutcome.Quarantine,
        "to-stock" => InspectionOutcome.ToStock,
        "scrap" => InspectionOutcome.Scrap,
        _ => throw new InvalidFieldException(field, $"'{name}' is not an outcome (quarantine, to-stock, scrap)"),
    };
}
