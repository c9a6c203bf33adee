using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Requests.V1;
using Logistics.SharedKernel;

namespace Logistics.Requests.Api;

public sealed partial class PartRequestsApi
{
    /// <summary>Days the report covers when the caller names no <c>from</c>: four weeks.</summary>
    public const int ServiceLevelReportDefaultDays = 28;

    /// <summary>
    /// Delivery managers read every centre; a supervisor their centres (centre_id narrows to one of them). Fields are
    /// checked before anything is read.
    /// </summary>
    public override async Task<ServiceLevelReport> GetServiceLevelReport(ServiceLevelReportRequest request, ServerCallContext context)
    {
        var now = clock.GetUtcNow();
        var period = ReportPeriod.Parse(request.From, request.To, DateOnly.FromDateTime(now.UtcDateTime), ServiceLevelReportDefaultDays);
        var centreId = string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id");
        var level = string.IsNullOrEmpty(request.ServiceLevel) ? null : ServiceLevel.Parse(request.ServiceLevel).Code;
        var centres = Caller.From(context).CentresToList(centreId, Roles.DeliveryManager);
        var rows = await serviceLevelReport.RunAsync(period, centres, level, now, context.CancellationToken);
        return new ServiceLevelReport
        {
            From = Day(period.From),
            To = Day(period.To),
            ComputedAt = Timestamp.FromDateTimeOffset(now),
            Rows =
            {
                rows.Select(r =>
                {
                    var row = new ServiceLevelReportRow
                    {
                        WeekStart = Day(r.WeekStart), IsoWeek = r.IsoWeek, CentreId = r.CentreId, ServiceLevel = r.ServiceLevel,
                        ShipDue = r.ShipDue, ShipOnTime = r.ShipOnTime, ShipLate = r.ShipLate,
                        DeliverDue = r.DeliverDue, DeliverOnTime = r.DeliverOnTime, DeliverLate = r.DeliverLate,
                    };
                    if (r.ShipOnTimePercent is { } ship) row.ShipOnTimePercent = ship;
                    if (r.DeliverOnTimePercent is { } deliver) row.DeliverOnTimePercent = deliver;
                    return row;
                }),
            },
        };
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
