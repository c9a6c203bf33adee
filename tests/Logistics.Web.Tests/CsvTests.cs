using System.Text;
using Google.Protobuf.WellKnownTypes;
using Logistics.Web.Export;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Logistics.Web.Tests;

public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("主板 无法开机", "主板 无法开机")]
    [InlineData("a=b", "a=b")]
    [InlineData(" =not first", " =not first")]
    public void Text_is_quoted_only_when_RFC_4180_needs_it(string text, string written) => Assert.Equal(written, Csv.Cell(text));

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("+1+2", "\"'+1+2\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=1,2", "\"'=1,2\"")]
    public void Text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(string text, string written) => Assert.Equal(written, Csv.Cell(text));

    [Fact]
    public void Numbers_booleans_times_and_lists_are_written_as_values()
    {
        Assert.Equal("-2", Csv.Cell(-2L)); // a ledger's delta is a number, not a formula: never prefixed
        Assert.Equal("-7", Csv.Cell(-7));
        Assert.Equal("true", Csv.Cell(true));
        Assert.Equal("", Csv.Cell(null));
        Assert.Equal("2026-12-02T04:05:06Z",
            Csv.Cell(Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 2, 12, 5, 6, TimeSpan.FromHours(8)))));
        Assert.Equal("SN-1 SN-2", Csv.Cell(new[] { "SN-1", "SN-2" }));
        Assert.Equal("\"'-SN-1 SN-2\"", Csv.Cell(new[] { "-SN-1", "SN-2" })); // a list is text: defended too
    }

    private sealed record Row(string Id, string Note, long Delta);

    private static readonly CsvColumn<Row>[] Columns = [new("id", r => r.Id), new("note", r => r.Note), new("delta", r => r.Delta)];

    /// <summary>Counts flushes: each page must reach the client before the next is read.</summary>
    private sealed class FlushCountingStream : MemoryStream
    {
        public int Flushes { get; private set; }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return base.FlushAsync(cancellationToken);
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<Row>> Pages(params Row[][] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }

    [Fact]
    public async Task A_file_is_UTF8_with_a_BOM_a_header_of_keys_and_CRLF_records_flushed_page_by_page()
    {
        await using var body = new FlushCountingStream();
        var rows = await Csv.WriteAsync(body, Columns, Pages([new("R-1", "主板", -1), new("R-2", "=cmd|' /C calc'!A0", 2)], [new("R-3", "a \"b\", c", 0)]),
            CancellationToken.None);

        Assert.Equal(3, rows);
        var bytes = body.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal(
            "id,note,delta\r\nR-1,主板,-1\r\nR-2,\"'=cmd|' /C calc'!A0\",2\r\nR-3,\"a \"\"b\"\", c\",0\r\n",
            Encoding.UTF8.GetString(bytes[3..]));
        Assert.Equal(3, body.Flushes); // the header, then each of the two pages
    }

    [Fact]
    public async Task An_empty_list_is_the_header_alone()
    {
        await using var body = new MemoryStream();
        Assert.Equal(0, await Csv.WriteAsync(body, Columns, Pages(), CancellationToken.None));
        Assert.Equal("\uFEFFid,note,delta\r\n", Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task Rows_in_memory_download_as_an_attachment_named_by_the_list_and_the_day()
    {
        // The day is the app's clock's, in UTC: 23:30 in New York on the 1st is the 2nd.
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.FromHours(-5)));
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock).BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        var rows = Enumerable.Range(1, 1201).Select(i => new Row($"R-{i}", "ok", i));

        await CsvExports.Rows("doa-rate", Columns, rows).ExecuteAsync(http);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", http.Response.ContentType);
        Assert.Equal("attachment; filename=doa-rate-2026-12-02.csv", http.Response.Headers.ContentDisposition.ToString());
        var lines = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()).Split("\r\n");
        Assert.Equal(1201 + 2, lines.Length); // header, rows, and the empty text after the last CRLF
        Assert.Equal("R-1201,ok,1201", lines[^2]);
    }

    [Fact]
    public void Export_links_carry_the_filters_set_and_leave_out_the_empty_ones()
    {
        Assert.Equal("/export/doa-claims.csv?state=Filed&filed_from=2026-12-01T00%3A00%3A00.0000000%2B08%3A00",
            ExportLists.Url("doa-claims", [new("state", "Filed"), new("centre", ""), new("part", null),
                new("filed_from", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8)).ToString("O"))]));
        Assert.Equal("/export/stock.csv", ExportLists.Url("stock", []));
        Assert.Equal("/export/anomalies.csv?serial=SN%201%26x", ExportLists.Url("anomalies", [new("serial", "SN 1&x")]));
    }

    [Fact]
    public void Filters_the_console_cannot_read_are_refused_naming_the_filter()
    {
        var filters = new ExportFilters(new QueryCollection(new Dictionary<string, StringValues>
        {
            ["late"] = "yes", ["overdue"] = "true", ["filed_from"] = "last week", ["filed_before"] = "2026-12-01T00:00:00+08:00",
        }));
        Assert.True(filters.Flag("overdue"));
        Assert.False(filters.Flag("absent"));
        Assert.StartsWith("late: ", Assert.Throws<ExportFilterException>(() => filters.Flag("late")).Message);
        Assert.StartsWith("filed_from: ", Assert.Throws<ExportFilterException>(() => filters.Instant("filed_from")).Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), filters.Instant("filed_before")!.ToDateTimeOffset());
        Assert.Null(filters.Instant("absent"));
    }

    [Fact]
    public void A_day_filter_is_yyyy_MM_dd_or_refused_naming_it()
    {
        var filters = new ExportFilters(new QueryCollection(new Dictionary<string, StringValues> { ["from"] = "2026-11-30", ["to"] = "30/11/2026" }));
        Assert.Equal(new DateOnly(2026, 11, 30), filters.Day("from"));
        Assert.Null(filters.Day("absent"));
        Assert.StartsWith("to: ", Assert.Throws<ExportFilterException>(() => filters.Day("to")).Message);
    }

    [Fact]
    public async Task The_doa_report_exports_every_table_in_long_form_named_by_its_breakdown()
    {
        var report = new Logistics.Doa.V1.DoaReport { CentreId = "C1", Deliveries = 10, Claims = 3, RatePer100 = 30 };
        report.Weeks.Add(new Logistics.Doa.V1.DoaRateRow { Key = "2026-W49", WeekStart = "2026-11-30", Deliveries = 10, Claims = 3, RatePer100 = 30 });
        report.ByPart.Add(new Logistics.Doa.V1.DoaRateRow { Key = "P-1", Deliveries = 10, Claims = 3, RatePer100 = 30 });
        report.ByCentre.Add(new Logistics.Doa.V1.DoaRateRow { Key = "C1", Deliveries = 10, Claims = 3, RatePer100 = 30 });
        report.BySupplier.Add(new Logistics.Doa.V1.DoaRateRow { Key = "unknown", Deliveries = 10, Claims = 3, RatePer100 = 30 });
        report.ByBatch.Add(new Logistics.Doa.V1.DoaRateRow { Key = "LOT-A", PartNumber = "P-1", Deliveries = 4, Claims = 1, RatePer100 = 25 });
        report.ByBatch.Add(new Logistics.Doa.V1.DoaRateRow { Key = "=LOT", PartNumber = "P-1", Deliveries = 6, Claims = 2, RatePer100 = 33.33 });
        report.Causes.Add(new Logistics.Doa.V1.DoaCauseRow { Cause = "doa", Claims = 2 });
        report.Causes.Add(new Logistics.Doa.V1.DoaCauseRow { Cause = "carrier", Claims = 1 });

        await using var body = new MemoryStream();
        await Csv.WriteAsync(body, ExportLists.DoaReportColumns, OnePage(ExportLists.DoaReportLines(report)), CancellationToken.None);

        Assert.Equal(
            "breakdown,key,week_start,part_number,deliveries,claims,rate_per_100\r\n" +
            "total,C1,,,10,3,30\r\n" +
            "weeks,2026-W49,2026-11-30,,10,3,30\r\n" +
            "by_part,P-1,,,10,3,30\r\n" +
            "by_centre,C1,,,10,3,30\r\n" +
            "by_supplier,unknown,,,10,3,30\r\n" +
            "by_batch,LOT-A,,P-1,4,1,25\r\n" +
            "by_batch,\"'=LOT\",,P-1,6,2,33.33\r\n" + // a supplier's batch code is text: defended like any other
            "causes,doa,,,,2,\r\n" +
            "causes,carrier,,,,1,\r\n",
            Encoding.UTF8.GetString(body.ToArray()[3..]));
    }

    [Fact]
    public void Report_percentages_left_out_by_the_service_are_empty_cells_not_zero()
    {
        var none = new Logistics.Requests.V1.ServiceLevelReportRow { ShipDue = 0, DeliverDue = 2, DeliverOnTime = 1, DeliverOnTimePercent = 50 };
        var cells = ExportLists.ServiceLevelReportColumns.ToDictionary(c => c.Key, c => Csv.Cell(c.Value(none)));
        Assert.Equal(("", "50"), (cells["ship_on_time_percent"], cells["deliver_on_time_percent"]));
        var notReceived = new Logistics.Returns.V1.ReturnsReportRow { CentreId = "C1", Out = 3 };
        Assert.Equal("", Csv.Cell(ExportLists.ReturnsReportColumns.Single(c => c.Key == "average_days_to_return").Value(notReceived)));
    }

    private static async IAsyncEnumerable<IReadOnlyList<T>> OnePage<T>(IReadOnlyList<T> rows)
    {
        await Task.Yield();
        yield return rows;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
