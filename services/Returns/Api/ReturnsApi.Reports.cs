using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Returns.Domain;
using Logistics.Returns.V1;
using Logistics.SharedKernel;

namespace Logistics.Returns.Api;

public sealed partial class ReturnsApi
{
    /// <summary>Days whose receipts the average counts when the caller names no <c>from</c>.</summary>
    public const int ReturnsReportDefaultDays = 30;

    /// <summary>Delivery managers read every centre; a supervisor their centres (centre_id narrows to one of them).</summary>
    public override async Task<ReturnsReport> GetReturnsReport(ReturnsReportRequest request, ServerCallContext context)
    {
        var now = clock.GetUtcNow();
        var grouping = ReturnsReportGroupings.Parse(request.GroupBy);
        var period = ReportPeriod.Parse(request.From, request.To, DateOnly.FromDateTime(now.UtcDateTime), ReturnsReportDefaultDays);
        var centreId = string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id");
        var centres = Caller.From(context).CentresToList(centreId, Roles.DeliveryManager);
        var rows = await returnsReport.RunAsync(grouping, period, centres, now, context.CancellationToken);
        return new ReturnsReport
        {
            GroupBy = grouping.WireName(),
            From = Day(period.From),
            To = Day(period.To),
            ComputedAt = Timestamp.FromDateTimeOffset(now),
            Rows =
            {
                rows.Select(r =>
                {
                    var row = new V1.ReturnsReportRow
                    {
                        EngineerId = r.EngineerId, CentreId = r.CentreId, Out = r.Out, Overdue = r.Overdue, Unreturned = r.Unreturned,
                        ReceivedInPeriod = r.ReceivedInPeriod,
                    };
                    if (r.AverageDaysToReturn is { } average) row.AverageDaysToReturn = average;
                    return row;
                }),
            },
        };
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
