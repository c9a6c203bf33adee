using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>
/// The vendor's fault tag as the engineer filled it in (all optional here, so that a missing field is refused naming it).
/// </summary>
public sealed record FaultTagEntry(
    string? Category, string? Reference, string? PartNumber, string? Serial, DateTimeOffset? FaultDate, string? Symptom,
    string? CategoryCode, string? SoftwareVersion, bool? DataRemovalConfirmed, string? TicketId = null);

/// <summary>A checked fault tag attached to a returned part (normalised: category lower case, code upper case, text trimmed).</summary>
public sealed record FaultTag(
    string Category, string Reference, string PartNumber, string Serial, DateTimeOffset FaultDate, string Symptom,
    string CategoryCode, string SoftwareVersion, bool DataRemovalConfirmed, string TicketId);

/// <summary>The codes of the fault tag (after the vendor's tag) and of the inspection.</summary>
public static class ReturnCodes
{
    public const string WearOut = "F001";
    public const string DoaOfSpare = "F003";
    public const string FaultyFromSwap = "F006";
    public const string GoodPartForTest = "F060";

    public static readonly IReadOnlyDictionary<string, string> CategoryCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [WearOut] = "wear-out",
        [DoaOfSpare] = "DOA of a spare",
        [FaultyFromSwap] = "faulty part from customer swap",
        [GoodPartForTest] = "good part returned for test",
    };

    public static readonly IReadOnlyList<string> Categories = ["replacement", "repair", "analysis"];

    private static readonly Dictionary<string, InspectionResult> Results = new(StringComparer.OrdinalIgnoreCase)
    {
        [ReturnInspectionResults.ConfirmedFault] = InspectionResult.ConfirmedFault,
        [ReturnInspectionResults.NoFaultFound] = InspectionResult.NoFaultFound,
        [ReturnInspectionResults.DamagedInTransit] = InspectionResult.DamagedInTransit,
    };

    /// <summary>The category code a return's tag must carry: F006 for a swap, F003 for a DOA dead unit.</summary>
    public static string ExpectedCategoryCode(ReturnKind kind) => kind == ReturnKind.DeadUnit ? DoaOfSpare : FaultyFromSwap;

    public static string Describe(string categoryCode) =>
        CategoryCodes.TryGetValue(categoryCode, out var meaning) ? $"{categoryCode} ({meaning})" : categoryCode;

    public static InspectionResult ParseResult(string? code, string field = "result") =>
        Results.TryGetValue(code?.Trim() ?? "", out var result)
            ? result
            : throw new InvalidFieldException(field, $"'{code}' is not an inspection result ({string.Join(", ", Results.Keys)})");

    public static string Code(this InspectionResult result) => Results.First(r => r.Value == result).Key;

    public static string Code(this ReturnKind kind) => kind == ReturnKind.DeadUnit ? "dead-unit" : "swap";
}
