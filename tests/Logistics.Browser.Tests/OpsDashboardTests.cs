using System.Globalization;
using System.Net.Http.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The operations dashboards (service levels, returns, stock by centre) for a delivery manager and a supervisor, on a
/// dataset built through the REST API in a centre of its own, each figure read from the numbers one click away and
/// compared with the answer worked out by hand from what was done.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsDashboardTests(BrowserStack browser)
{
    /// <summary>
    /// In one new centre (3 serials; its zone is UTC): R1 shipped, delivered, swapped, its faulty part returned, received
    /// and quarantined; R2 reserved; R3 reserved and shipped, not yet signed for; R4 backordered (nothing left).
    /// <list type="bullet">
    /// <item>Service levels (7x24x4: ship-by 1 h, deliver-by 4 h after submit): R1 and R3 shipped in time, R1 delivered in
    /// time; every other deadline is still ahead, so not counted. This week: ship-by 2 due, 2 met, 100.0 %; deliver-by 1
    /// due, 1 met, 100.0 %.</item>
    /// <item>Returns: R1's return received today: 0 out, 0 overdue, 0 unreturned, 1 received, its days from opening to
    /// receipt.</item>
    /// <item>Stock: on hand 1 (the serial not shipped), reserved 1 (R2), available 0, in transit 1 (R3), faulty 0,
    /// quarantined 1 (R1's faulty part); one backorder requested moments ago (under 1 day) for 1 unit.</item>
    /// </list>
    /// </summary>
    [Fact]
    public async Task A_delivery_manager_reads_each_dashboard_and_its_numbers_match_the_known_answer()
    {
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        var r1 = await f.RequestAsync(p.RequestId);
        await f.ReservedRequestAsync();
        var r3 = await f.ReservedRequestAsync();
        await f.ShipAsync(r3, await f.FreeSerialAsync());
        var r4 = Text(await f.SubmitAsync(), "requestId");
        await f.RequestInStateAsync(r4, "Backordered");
        await f.StockBecomesAsync((1, 1, 0, 1, 0, 1), "R2 reserved, R3 on its way, R1's faulty part quarantined");
        var returned = await f.ReturnAsync(p.ReturnId);
        var days = (Time(returned, "receivedAt") - Time(returned, "openedAt")).TotalDays;
        var week = IsoWeek(Time(r1, "shipBy"));
        Assert.Equal(week, IsoWeek(Time(await f.RequestAsync(r3), "shipBy")));

        var dm = await browser.SignInAsync($"dm-{f.Id}", "delivery-manager");
        await Expect(dm.GetByRole(AriaRole.Link, new() { Name = "Service levels" })).ToBeVisibleAsync();

        // Service levels, over the days from the first ship-by to R1's deliver-by: after 20:00 UTC R1's deliver-by (4 h
        // after submit) falls on tomorrow, outside the default period that ends today; on a Sunday evening in next week.
        var deliverBy = Time(r1, "deliverBy");
        var deliverWeek = IsoWeek(deliverBy);
        var period = $"from={Time(r1, "shipBy").UtcDateTime:yyyy-MM-dd}&to={deliverBy.UtcDateTime:yyyy-MM-dd}";
        await dm.GotoAsync($"/dashboards/service-levels?{period}&centre={f.Centre}");
        await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "Service levels", Exact = true })).ToBeVisibleAsync();
        var weeks = await NumbersAsync(dm, "sl-weeks");
        Assert.Equal(deliverWeek == week
                ? new Dictionary<string, string[]> { [week] = ["2", "0", "1", "0"] }
                : new Dictionary<string, string[]> { [week] = ["2", "0", "0", "0"], [deliverWeek] = ["0", "0", "1", "0"] },
            weeks);
        var percent = await NumbersAsync(dm, "sl-percent");
        Assert.Equal(new Dictionary<string, string[]> { [$"{f.Centre} · 7x24x4"] = ["100.0", "100.0"] }, percent);
        if (deliverWeek == week) // one row holds both deadlines (every day but a Sunday evening)
            await Expect(dm.Locator($"#sl-rows tr[data-row='{week}|{f.Centre}|7x24x4'] td"))
                .ToHaveTextAsync(new[] { new System.Text.RegularExpressions.Regex($"^{week} "), new("^" + f.Centre + "$"), new("^7x24x4$"),
                    new("^2$"), new("^2$"), new("^0$"), new("^100.0$"), new("^1$"), new("^1$"), new("^0$"), new("^100.0$") });
        await BrowserStack.ScreenshotAsync(dm, "dashboard-service-levels-desktop");

        // A reversed period is refused naming the field, and the figures are not shown.
        await dm.Locator("#filter-from").FillAsync("2026-03-10");
        await dm.Locator("#filter-to").FillAsync("2026-03-01");
        await dm.Locator("#filter-apply").ClickAsync();
        await Expect(dm.GetByRole(AriaRole.Alert)).ToContainTextAsync("From: ");
        await Expect(dm.Locator("#sl-rows")).ToHaveCountAsync(0);

        // Returns, by centre and by engineer.
        await dm.GotoAsync($"/dashboards/returns?centre={f.Centre}");
        await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "Returns dashboard" })).ToBeVisibleAsync();
        Assert.Equal(new Dictionary<string, string[]> { [f.Centre] = ["0", "0", "0"] }, await NumbersAsync(dm, "returns-now"));
        var average = Math.Round(days, 2, MidpointRounding.AwayFromZero).ToString("0.00", CultureInfo.InvariantCulture);
        Assert.Equal(new Dictionary<string, string[]> { [f.Centre] = [average] }, await NumbersAsync(dm, "returns-days"));
        await Expect(dm.Locator($"#returns-rows tr[data-row='{f.Centre}'] td")).ToHaveTextAsync([f.Centre, "0", "0", "0", "1", average]);
        await BrowserStack.ScreenshotAsync(dm, "dashboard-returns-desktop");
        await dm.GotoAsync($"/dashboards/returns?centre={f.Centre}&groupBy=engineer");
        Assert.Equal(new Dictionary<string, string[]> { [f.Engineer] = ["0", "0", "0"] }, await NumbersAsync(dm, "returns-now"));

        // Stock by centre.
        await dm.GotoAsync($"/dashboards/stock?centre={f.Centre}");
        await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "Stock by centre", Exact = true })).ToBeVisibleAsync();
        Assert.Equal(new Dictionary<string, string[]> { [f.Centre] = ["1", "1", "0", "1", "0", "1"] }, await NumbersAsync(dm, "stock-levels"));
        Assert.Equal(new Dictionary<string, string[]> { [f.Centre] = ["1", "0", "0", "0", "1"] }, await NumbersAsync(dm, "stock-backorders"));
        await BrowserStack.ScreenshotAsync(dm, "dashboard-stock-desktop");
    }

    [Fact]
    public async Task A_supervisor_sees_their_centre_and_is_refused_another_naming_it()
    {
        var f = await StockedAsync(browser.Stack, units: 2);
        var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre);
        await supervisor.GotoAsync("/dashboards/stock");
        Assert.Equal(new Dictionary<string, string[]> { [f.Centre] = ["2", "0", "2", "0", "0", "0"] }, await NumbersAsync(supervisor, "stock-levels"));
        await BrowserStack.ScreenshotAsync(supervisor, "dashboard-stock-supervisor-desktop");

        // Inventory names a centre it does not know; another centre is refused naming it.
        await supervisor.Locator("#filter-centre").FillAsync("OTHER-" + f.Id);
        await supervisor.Locator("#filter-apply").ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Alert)).ToContainTextAsync($"centre OTHER-{f.Id} does not exist");
        await supervisor.GotoAsync($"/dashboards/returns?centre=OTHER-{f.Id}");
        await Expect(supervisor.GetByRole(AriaRole.Alert)).ToContainTextAsync($"does not work for centre OTHER-{f.Id}");
        await supervisor.GotoAsync($"/dashboards/service-levels?centre=OTHER-{f.Id}");
        await Expect(supervisor.GetByRole(AriaRole.Alert)).ToContainTextAsync($"does not work for centre OTHER-{f.Id}");

        await supervisor.GotoAsync("/dashboards/returns?from=2026-13-01");
        // The summary names the field by its label on this form.
        await Expect(supervisor.GetByRole(AriaRole.Alert)).ToContainTextAsync("Received from: ");
        await BrowserStack.ScreenshotAsync(supervisor, "dashboard-returns-refused-desktop");
    }

    /// <summary>Opens a chart's numbers (one click) and reads its table: label → the values of each series, as shown.</summary>
    private static async Task<Dictionary<string, string[]>> NumbersAsync(IPage page, string chart)
    {
        var panel = page.Locator($"#{chart}");
        await Expect(panel).ToBeVisibleAsync();
        var table = page.Locator($"#{chart}-numbers");
        if (await table.CountAsync() == 0) await panel.GetByRole(AriaRole.Button, new() { Name = "Show numbers" }).ClickAsync();
        await Expect(table).ToBeVisibleAsync();
        var rows = await table.Locator("tbody tr").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.dataset.label, ...[...r.querySelectorAll('td')].map(td => td.textContent.trim())])");
        return rows.ToDictionary(r => r[0], r => r[1..]);
    }

    private static DateTimeOffset Time(System.Text.Json.JsonElement e, string name) =>
        DateTimeOffset.Parse(Text(e, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string IsoWeek(DateTimeOffset at) =>
        ISOWeek.GetYear(at.UtcDateTime).ToString(CultureInfo.InvariantCulture) + "-W" + ISOWeek.GetWeekOfYear(at.UtcDateTime).ToString("00", CultureInfo.InvariantCulture);
}
