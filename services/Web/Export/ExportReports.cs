using Google.Protobuf.WellKnownTypes;
using Logistics.Doa.V1;
using Logistics.Inventory.V1;
using Logistics.Requests.V1;
using Logistics.Returns.V1;

namespace Logistics.Web.Export;

/// <summary>
/// The dashboards' figures as CSV (<c>report-doa</c>, <c>report-service-levels</c>, <c>report-returns</c>,
/// <c>report-stock</c>): the page's filters, one report call with the user's token, its rows as the API names them.
/// </summary>
public static partial class ExportLists
{
    /// <summary>The DOA dashboard: <c>from</c> and <c>to</c> are days (UTC, <c>to</c> included), as on the page.</summary>
    private static IResult DoaReport(ExportCalls calls, ExportFilters f)
    {
        var request = new GetDoaReportRequest { CentreId = f.Text("centre") };
        if (f.Day("from") is { } from) request.From = StartOf(from);
        if (f.Day("to") is { } to) request.To = StartOf(to.AddDays(1));
        var client = new DoaClaimsService.DoaClaimsServiceClient(calls.Channel);
        return CsvExports.Stream("report-doa", DoaReportColumns, ct => calls.Once(o => client.GetDoaReportAsync(request, o), DoaReportLines, ct));
    }

    private static Timestamp StartOf(DateOnly day) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    /// <summary>One line of the DOA report in long form: <c>breakdown</c> names its table (the report's field).</summary>
    public sealed record DoaReportLine(string Breakdown, string Key, string WeekStart, string PartNumber, long? Deliveries, long Claims, double? RatePer100);

    public static readonly CsvColumn<DoaReportLine>[] DoaReportColumns =
    [
        new("breakdown", l => l.Breakdown), new("key", l => l.Key), new("week_start", l => l.WeekStart), new("part_number", l => l.PartNumber),
        new("deliveries", l => l.Deliveries), new("claims", l => l.Claims), new("rate_per_100", l => l.RatePer100),
    ];

    /// <summary>Every table of the report, in the page's order: the total, then weeks, parts, centres, suppliers, batches, causes.</summary>
    public static IReadOnlyList<DoaReportLine> DoaReportLines(DoaReport report)
    {
        static IEnumerable<DoaReportLine> Rates(string breakdown, IEnumerable<DoaRateRow> rows) =>
            rows.Select(r => new DoaReportLine(breakdown, r.Key, r.WeekStart, r.PartNumber, r.Deliveries, r.Claims, r.RatePer100));
        return
        [
            new("total", report.CentreId, "", "", report.Deliveries, report.Claims, report.RatePer100),
            .. Rates("weeks", report.Weeks), .. Rates("by_part", report.ByPart), .. Rates("by_centre", report.ByCentre),
            .. Rates("by_supplier", report.BySupplier), .. Rates("by_batch", report.ByBatch),
            .. report.Causes.Select(c => new DoaReportLine("causes", c.Cause, "", "", null, c.Claims, null)),
        ];
    }

    private static IResult ServiceLevelReport(ExportCalls calls, ExportFilters f)
    {
        var request = new ServiceLevelReportRequest { From = f.Text("from"), To = f.Text("to"), CentreId = f.Text("centre"), ServiceLevel = f.Text("level") };
        var client = new PartRequestsService.PartRequestsServiceClient(calls.Channel);
        return CsvExports.Stream("report-service-levels", ServiceLevelReportColumns,
            ct => calls.Once(o => client.GetServiceLevelReportAsync(request, o), a => a.Rows, ct));
    }

    public static readonly CsvColumn<ServiceLevelReportRow>[] ServiceLevelReportColumns =
    [
        new("week_start", r => r.WeekStart), new("iso_week", r => r.IsoWeek), new("centre_id", r => r.CentreId), new("service_level", r => r.ServiceLevel),
        new("ship_due", r => r.ShipDue), new("ship_on_time", r => r.ShipOnTime), new("ship_late", r => r.ShipLate),
        new("ship_on_time_percent", r => r.HasShipOnTimePercent ? r.ShipOnTimePercent : null),
        new("deliver_due", r => r.DeliverDue), new("deliver_on_time", r => r.DeliverOnTime), new("deliver_late", r => r.DeliverLate),
        new("deliver_on_time_percent", r => r.HasDeliverOnTimePercent ? r.DeliverOnTimePercent : null),
    ];

    private static IResult ReturnsReport(ExportCalls calls, ExportFilters f)
    {
        var groupBy = f.Text("groupBy");
        var request = new ReturnsReportRequest { GroupBy = groupBy.Length > 0 ? groupBy : "centre", CentreId = f.Text("centre"), From = f.Text("from"), To = f.Text("to") };
        var client = new ReturnsService.ReturnsServiceClient(calls.Channel);
        return CsvExports.Stream("report-returns", ReturnsReportColumns, ct => calls.Once(o => client.GetReturnsReportAsync(request, o), a => a.Rows, ct));
    }

    public static readonly CsvColumn<ReturnsReportRow>[] ReturnsReportColumns =
    [
        new("engineer_id", r => r.EngineerId), new("centre_id", r => r.CentreId), new("out", r => r.Out), new("overdue", r => r.Overdue),
        new("unreturned", r => r.Unreturned), new("received_in_period", r => r.ReceivedInPeriod),
        new("average_days_to_return", r => r.HasAverageDaysToReturn ? r.AverageDaysToReturn : null),
    ];

    /// <summary>The stock dashboard: both of its charts (levels and backorders by age) are one row per centre.</summary>
    private static IResult StockReport(ExportCalls calls, ExportFilters f)
    {
        var request = new StockReportRequest { CentreId = f.Text("centre") };
        var client = new InventoryService.InventoryServiceClient(calls.Channel);
        return CsvExports.Stream("report-stock", StockReportColumns, ct => calls.Once(o => client.GetStockReportAsync(request, o), a => a.Rows, ct));
    }

    public static readonly CsvColumn<StockReportRow>[] StockReportColumns =
    [
        new("centre_id", r => r.CentreId), new("on_hand", r => r.OnHand), new("reserved", r => r.Reserved), new("available", r => r.Available),
        new("in_transit", r => r.InTransit), new("faulty", r => r.Faulty), new("quarantined", r => r.Quarantined),
        new("backorders_under_1d", r => r.BackordersUnder1D), new("backorders_1d_to_3d", r => r.Backorders1DTo3D),
        new("backorders_3d_to_7d", r => r.Backorders3DTo7D), new("backorders_7d_or_more", r => r.Backorders7DOrMore),
        new("backordered_units", r => r.BackorderedUnits),
    ];
}
