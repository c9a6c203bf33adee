using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The DOA dashboard against a dataset built through the API (and the goods-in page), whose answer is known: a part from
/// one supplier, 10 units delivered on one request this week (4 of batch LOT-A booked in on the goods-in page, 4 of LOT-B,
/// 2 without a batch), claims on 2 LOT-A units (doa), 1 LOT-B unit (carrier) and 1 more LOT-B unit rejected (not counted).
/// So: 3 claims / 10 deliveries = 30 per 100; LOT-A 2/4 = 50, LOT-B 1/4 = 25, unknown batch 0/2 = 0; causes doa 2, carrier 1.
/// Each chart's numbers table must say exactly that.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DoaDashboardTests(BrowserStack browser)
{
    [Fact]
    public async Task Each_chart_of_the_doa_dashboard_shows_the_known_answer_in_its_numbers_table()
    {
        var stack = browser.Stack;
        using var f = await StockedAsync(stack, units: 0);
        var supplier = "SUP-" + f.Id;
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{f.Part}", new { description = "Main control board", serialized = true, supplier }));
        Assert.Equal(supplier, Text(await Ok(await f.Admin.GetAsync($"/api/v1/parts/{f.Part}")), "supplier"));
        string[] lotA = [.. Enumerable.Range(1, 4).Select(n => $"SA-{f.Id}-{n}")];
        string[] lotB = [.. Enumerable.Range(1, 4).Select(n => $"SB-{f.Id}-{n}")];
        string[] noLot = [.. Enumerable.Range(1, 2).Select(n => $"SN-{f.Id}-{n}")];

        // A bad batch is refused naming the field, and nothing is booked in.
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in",
            new { partNumber = f.Part, bin = "A-01", serials = lotB, batch = "LOT B!" }), HttpStatusCode.BadRequest, "batch");
        Assert.Equal(0, (await f.StockAsync()).OnHand);

        // LOT-A on the goods-in page: the lot label is scanned first, its Enter moves on to the serials.
        var warehouse = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre);
        await warehouse.GotoAsync("/warehouse/goods-in");
        await BrowserStack.PickAsync(warehouse, "Part number", f.Part);
        var batch = warehouse.GetByLabel("Batch / lot (optional)");
        await batch.FillAsync("LOT-A");
        await batch.PressAsync("Enter");
        var scanner = warehouse.GetByRole(AriaRole.Textbox, new() { Name = "Serials (scan each one)", Exact = true });
        await Expect(scanner).ToBeFocusedAsync();
        foreach (var serial in lotA)
        {
            await scanner.FillAsync(serial); // a wedge scanner's burst, then its Enter
            await scanner.PressAsync("Enter");
            await Expect(scanner).ToHaveValueAsync("");
        }
        await Expect(warehouse.Locator(".scan-list")).ToContainTextAsync(lotA[3]);
        await Expect(warehouse.Locator(".scan-list li")).ToHaveCountAsync(4);
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-goods-in-batch-desktop");
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Book in" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status).Filter(new() { HasText = "Booked in" })).ToContainTextAsync("on hand 4");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = f.Part, bin = "A-01", serials = lotB, batch = "LOT-B" }));
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = f.Part, bin = "A-01", serials = noLot }));

        // The 10 units delivered on one request.
        string[] all = [.. lotA, .. lotB, .. noLot];
        var requestId = Text(await f.SubmitAsync(quantity: all.Length), "requestId");
        await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/part-requests/{requestId}:approve", new { })); // 10 is above the per-line quota
        await f.RequestInStateAsync(requestId, "Reserved");
        await f.ShipAsync(requestId, all);
        await Eventually.Until(async () => (await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", requestId, all))).IsSuccessStatusCode,
            Settle, "the delivery signed for");
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.deliveries WHERE request_id = $1", requestId) == 10
                && await stack.ScalarAsync<long>("SELECT count(*) FROM doa.serial_batches WHERE part_number = $1 AND batch <> ''", f.Part) == 8
                && await stack.ScalarAsync<long>("SELECT count(*) FROM doa.part_suppliers WHERE part_number = $1 AND supplier = $2", f.Part, supplier) == 1,
            Settle, "doa knows the deliveries, their batches and the supplier");

        // Claims with their causes; the rejected one does not count.
        await FileAsync(f, requestId, lotA[0], intact: true);
        await FileAsync(f, requestId, lotA[1], intact: true);
        await FileAsync(f, requestId, lotB[0], intact: false);
        var rejected = await FileAsync(f, requestId, lotB[1], intact: true);
        await Ok(await f.Dm2.PostAsJsonAsync($"/api/v1/doa-claims/{rejected}:reject", new { reason = "works after a reseat" }));

        // The report through REST: the known totals; a bad range is refused naming the field; an engineer may not read it.
        var report = await Ok(await f.Dm.GetAsync($"/api/v1/reports/doa?centreId={f.Centre}"));
        Assert.Equal((10L, 3L), (Number(report, "deliveries"), Number(report, "claims")));
        Assert.Equal(30.0, report.GetProperty("ratePer100").GetDouble());
        await Refused(await f.Dm.GetAsync("/api/v1/reports/doa?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"), HttpStatusCode.BadRequest, "to");
        await Refused(await f.Eng.GetAsync("/api/v1/reports/doa"), HttpStatusCode.Forbidden);

        // The dashboard, filtered to the centre.
        var dm = await browser.SignInAsync($"dm-{f.Id}", "delivery-manager");
        await dm.GotoAsync("/doa-claims");
        await Expect(dm.GetByRole(AriaRole.Link, new() { Name = "DOA dashboard", IncludeHidden = true })).ToHaveAttributeAsync("href", "/dashboards/doa"); // in the menu
        await dm.GotoAsync("/dashboards/doa");
        await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "DOA dashboard" })).ToBeVisibleAsync();
        await dm.GetByLabel("Centre (all when empty)").FillAsync(f.Centre);
        await dm.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(dm.Locator("#doa-totals")).ToContainTextAsync("10 deliveries, 3 claims: 30 per 100");

        var week = WeekLabel(DateTime.UtcNow);
        await ExpectRowsAsync(dm, "doa-weeks", new() { [week] = ("30", "10", "3") }, expectedRows: 12);
        await ExpectRowsAsync(dm, "doa-parts", new() { [f.Part] = ("30", "10", "3") });
        await ExpectRowsAsync(dm, "doa-centres", new() { [f.Centre] = ("30", "10", "3") });
        await ExpectRowsAsync(dm, "doa-suppliers", new() { [supplier] = ("30", "10", "3") });
        await ExpectRowsAsync(dm, "doa-batches", new()
        {
            [$"{f.Part} · LOT-A"] = ("50", "4", "2"), [$"{f.Part} · LOT-B"] = ("25", "4", "1"), [$"{f.Part} · unknown"] = ("0", "2", "0"),
        });
        var causes = dm.Locator("#doa-causes");
        await causes.GetByRole(AriaRole.Button, new() { Name = "Show numbers" }).ClickAsync();
        await Expect(causes.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(causes.Locator("tr[data-label='DOA'] td")).ToHaveTextAsync("2");
        await Expect(causes.Locator("tr[data-label='carrier'] td")).ToHaveTextAsync("1");
        // The charts are drawn by the library (SVG from MudBlazor), one per panel.
        await Expect(dm.Locator(".chart-picture svg").First).ToBeVisibleAsync();
        await Expect(dm.Locator(".chart-panel .chart-picture")).ToHaveCountAsync(6);
        await BrowserStack.ScreenshotAsync(dm, "dm-doa-dashboard-desktop");

        // The Export link downloads every table with the filters applied (long form: the first column names the table),
        // and its numbers are the page's.
        var export = dm.GetByRole(AriaRole.Link, new() { Name = "Export CSV" });
        await Expect(export).ToHaveAttributeAsync("href", new Regex($@"^/export/report-doa\.csv\?from=\d{{4}}-\d\d-\d\d&to=\d{{4}}-\d\d-\d\d&centre={f.Centre}$"));
        var download = await dm.RunAndWaitForDownloadAsync(() => export.ClickAsync());
        Assert.Equal($"report-doa-{DateTime.UtcNow:yyyy-MM-dd}.csv", download.SuggestedFilename);
        var path = Path.Combine(BrowserStack.ScreenshotsDir, "report-doa-export.csv");
        await download.SaveAsAsync(path);
        var lines = (await File.ReadAllTextAsync(path)).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("breakdown,key,week_start,part_number,deliveries,claims,rate_per_100", lines[0]);
        Assert.Contains($"total,{f.Centre},,,10,3,30", lines);
        Assert.Equal(12, lines.Count(l => l.StartsWith("weeks,", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.StartsWith($"weeks,{week},", StringComparison.Ordinal) && l.EndsWith(",,10,3,30", StringComparison.Ordinal));
        Assert.Contains($"by_part,{f.Part},,,10,3,30", lines);
        Assert.Contains($"by_centre,{f.Centre},,,10,3,30", lines);
        Assert.Contains($"by_supplier,{supplier},,,10,3,30", lines);
        Assert.Contains($"by_batch,LOT-A,,{f.Part},4,2,50", lines);
        Assert.Contains($"by_batch,LOT-B,,{f.Part},4,1,25", lines);
        Assert.Contains($"by_batch,unknown,,{f.Part},2,0,0", lines);
        Assert.Equal(["causes,doa,,,,2,", "causes,carrier,,,,1,"], lines.Where(l => l.StartsWith("causes,", StringComparison.Ordinal)));
        // A day the console cannot read is refused naming the filter; a range the service refuses is its 400, naming the field.
        var badDay = await dm.Context.APIRequest.GetAsync($"/export/report-doa.csv?from=last-week&centre={f.Centre}");
        Assert.Equal(400, badDay.Status);
        Assert.StartsWith("from:", await badDay.TextAsync());
        var backwards = await dm.Context.APIRequest.GetAsync("/export/report-doa.csv?from=2026-06-01&to=2026-01-01");
        Assert.Equal(400, backwards.Status);
        Assert.Contains("to", await backwards.TextAsync());

        // A supervisor of the centre sees the same; in Chinese.
        var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre, locale: "zh-CN");
        await supervisor.GotoAsync("/dashboards/doa");
        await Expect(supervisor.Locator("#doa-totals")).ToContainTextAsync("10");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "DOA 看板" })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-doa-dashboard-zh-desktop");
    }

    private static async Task<string> FileAsync(Flow f, string requestId, string serial, bool intact)
    {
        var claim = await Ok(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims",
            new { requestId, serial, detectedAt = "unboxing", symptom = "dead on unboxing", outerPackagingIntact = intact }));
        return Text(claim, "claimId");
    }

    /// <summary>Opens a panel's numbers table and checks the rows named (rate, deliveries, claims); other rows are all zero.</summary>
    private static async Task ExpectRowsAsync(IPage page, string panel, Dictionary<string, (string Rate, string Deliveries, string Claims)> rows, int? expectedRows = null)
    {
        var box = page.Locator("#" + panel);
        await box.GetByRole(AriaRole.Button, new() { Name = "Show numbers" }).ClickAsync();
        var table = page.Locator($"#{panel}-numbers");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(expectedRows ?? rows.Count);
        foreach (var (label, (rate, deliveries, claims)) in rows)
        {
            var row = table.Locator($"tr[data-label='{label}']");
            await Expect(row.Locator("td[data-series='DOA rate']")).ToHaveTextAsync(rate);
            await Expect(row.Locator("td[data-series='Deliveries']")).ToHaveTextAsync(deliveries);
            await Expect(row.Locator("td[data-series='Claims']")).ToHaveTextAsync(claims);
        }
        if (expectedRows is not null)
            await Expect(table.Locator("td[data-series='Deliveries']").Filter(new() { HasTextRegex = new Regex("^0$") }))
                .ToHaveCountAsync(expectedRows.Value - rows.Count); // every other week: no deliveries
    }

    private static string WeekLabel(DateTime day) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}");
}
