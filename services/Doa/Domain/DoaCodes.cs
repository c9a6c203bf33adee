using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>When the failure showed (docs/domain.md "DOA claim"; wire codes in <see cref="DoaCodes"/>).</summary>
public enum DetectionPoint
{
    /// <summary><c>unboxing</c>: dead or damaged when unpacked; the window runs from the delivery.</summary>
    Unboxing,
    /// <summary><c>power-on</c>: failed at first power-on; the window runs from first power-on.</summary>
    PowerOn,
    /// <summary><c>within-48h</c>: failed within the window after first power-on.</summary>
    Within48h,
}

/// <summary>What the claim is against, from the outer packaging.</summary>
public enum DoaCause
{
    /// <summary><c>doa</c>: intact packaging, dead unit.</summary>
    Doa,
    /// <summary><c>carrier</c>: damaged outer packaging, a transport-damage claim against the carrier.</summary>
    Carrier,
}

/// <summary>The warehouse's finding on the returned dead unit.</summary>
public enum InspectionResult
{
    /// <summary><c>confirmed-doa</c></summary>
    ConfirmedDoa,
    /// <summary><c>no-fault-found</c></summary>
    NoFaultFound,
}

/// <summary>The wire codes of the DOA enums and of the steps published as DoaClaimChanged.</summary>
public static class DoaCodes
{
    private static readonly Dictionary<string, DetectionPoint> Detections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unboxing"] = DetectionPoint.Unboxing,
        ["power-on"] = DetectionPoint.PowerOn,
        ["within-48h"] = DetectionPoint.Within48h,
    };

    private static readonly Dictionary<string, InspectionResult> Results = new(StringComparer.OrdinalIgnoreCase)
    {
        [DoaInspectionResults.ConfirmedDoa] = InspectionResult.ConfirmedDoa,
        [DoaInspectionResults.NoFaultFound] = InspectionResult.NoFaultFound,
    };

    public static DetectionPoint ParseDetection(string? code) =>
        Detections.TryGetValue(code?.Trim() ?? "", out var point)
            ? point
            : throw new InvalidFieldException("detected_at", $"'{code}' is not a detection point ({string.Join(", ", Detections.Keys)})");

    public static InspectionResult ParseResult(string? code) =>
        Results.TryGetValue(code?.Trim() ?? "", out var result)
            ? result
            : throw new InvalidFieldException("result", $"'{code}' is not an inspection result ({string.Join(", ", Results.Keys)})");

    /// <summary>A claim state by its name (as <see cref="DoaClaimState"/> spells it, any case).</summary>
    public static DoaClaimState ParseState(string? name, string field = "state") =>
        Enum.TryParse<DoaClaimState>(name?.Trim(), ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(name, out _)
            ? state
            : throw new InvalidFieldException(field, $"'{name}' is not a claim state ({string.Join(", ", Enum.GetNames<DoaClaimState>())})");

    public static string Code(this DetectionPoint point) => Detections.First(d => d.Value == point).Key;

    public static string Code(this InspectionResult result) => Results.First(r => r.Value == result).Key;

    public static string Code(this DoaCause cause) => cause == DoaCause.Carrier ? "carrier" : "doa";

    /// <summary>The step that leads into a state, as DoaClaimChanged names it (filed, approved, ..., closed).</summary>
    public static string StepInto(DoaClaimState state) => state switch
    {
        DoaClaimState.Filed => DoaClaimSteps.Filed,
        DoaClaimState.Approved => DoaClaimSteps.Approved,
        DoaClaimState.Rejected => DoaClaimSteps.Rejected,
        DoaClaimState.ReplacementShipped => DoaClaimSteps.ReplacementShipped,
        DoaClaimState.ReplacementReceived => DoaClaimSteps.ReplacementReceived,
        DoaClaimState.UnitReturned => DoaClaimSteps.UnitReturned,
        DoaClaimState.Inspected => DoaClaimSteps.Inspected,
        _ => DoaClaimSteps.Closed,
    };
}
