using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>What the returns report groups by.</summary>
public enum ReturnsReportGrouping
{
    Centre,
    Engineer,
}

public static class ReturnsReportGroupings
{
    /// <summary><c>centre</c> (the default when empty) or <c>engineer</c>, any case; anything else names group_by.</summary>
    public static ReturnsReportGrouping Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "centre" => ReturnsReportGrouping.Centre,
        "engineer" => ReturnsReportGrouping.Engineer,
        _ => throw new InvalidFieldException("group_by", "must be centre or engineer"),
    };

    public static string WireName(this ReturnsReportGrouping grouping) => grouping == ReturnsReportGrouping.Engineer ? "engineer" : "centre";
}

/// <summary>
/// One row of the returns report: an engineer's or a centre's returns still out, overdue and unreturned now, and those
/// received in the period with the average days from opening to receipt (none when none was received). A flat record.
/// </summary>
public sealed record ReturnsReportRow(
    string EngineerId, string CentreId, long Out, long Overdue, long Unreturned, long ReceivedInPeriod, double? AverageDaysToReturn);
