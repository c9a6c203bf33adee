using Logistics.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// Lost in transit in the console (docs/lost-in-transit.md): a shipment nobody signed for past its deliver-by and the
/// grace shows on the delivery manager's list (live: it appears on the open page without a reload) and inbox; the claim
/// is filed on its page (a missing claim reference is named), another supervisor approves the write-off there; the
/// engineer's request shows it lost in transit and asks again for it with "Request a replacement".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LostInTransitTests(BrowserStack browser)
{
    [Fact]
    public async Task A_delivery_manager_files_the_claim_and_a_supervisor_writes_the_shipment_off()
    {
        var f = await Flow.StockedAsync(browser.Stack);
        using var _ = f;
        var requestId = await f.ReservedRequestAsync();
        var serial = await f.FreeSerialAsync();
        await f.ShipAsync(requestId, serial);
        await Eventually.Until(async () => await browser.Stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1", requestId) == 1,
            Flow.Settle, "receipts knows the shipment");
        var id = "TI-" + requestId;
        var moved = TimeSpan.Zero;
        try
        {
            // The list is open before the investigation opens; it shows it when transit-investigation-changed arrives.
            var dm = await browser.SignInAsync($"dm-{f.Id}", "delivery-manager");
            await dm.GotoAsync("/transit-investigations");
            await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "Lost in transit" })).ToBeVisibleAsync();
            await Expect(dm.Locator($"[data-investigation='{id}']")).ToHaveCountAsync(0);
            moved = browser.Stack.MoveClock(TimeSpan.FromDays(2) + TimeSpan.FromHours(5));
            await Expect(dm.Locator($"[data-investigation='{id}']")).ToContainTextAsync(serial, new() { Timeout = (float)Flow.Settle.TotalMilliseconds });

            await dm.GotoAsync("/inbox");
            await Expect(dm.GetByText($"{id} · {f.Part}").First).ToBeVisibleAsync();
            await Expect(dm.GetByRole(AriaRole.Link, new() { Name = "Lost in transit" })).ToHaveAttributeAsync("href", "/transit-investigations");
            await dm.GotoAsync("/transit-investigations");
            await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = "Lost in transit" })).ToBeVisibleAsync();
            var card = dm.Locator($"[data-investigation='{id}']");
            await Expect(card).ToContainTextAsync(serial);
            await BrowserStack.ScreenshotAsync(dm, "delivery-manager-lost-in-transit-desktop");
            await card.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
            await Expect(dm.GetByRole(AriaRole.Heading, new() { Name = $"Investigation {id}" })).ToBeVisibleAsync();

            // No claim reference: refused, the field named, nothing proposed.
            await dm.GetByRole(AriaRole.Button, new() { Name = "Propose write-off" }).ClickAsync();
            await Expect(dm.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Carrier claim reference:" }).First).ToBeVisibleAsync();
            Assert.Equal("Open", await browser.Stack.ScalarAsync<string>("SELECT state FROM receipts.transit_investigations WHERE investigation_id = $1", id));
            await dm.GetByLabel("Carrier claim reference").FillAsync("SF-CLM-" + f.Id);
            await dm.GetByRole(AriaRole.Button, new() { Name = "Propose write-off" }).ClickAsync();
            await Expect(dm.GetByRole(AriaRole.Status).Filter(new() { HasText = "a supervisor other than you approves it" })).ToBeVisibleAsync();
            await Expect(dm.Locator(".claim")).ToHaveTextAsync("SF-CLM-" + f.Id);

            var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre, BrowserStack.Phone);
            await supervisor.GotoAsync($"/transit-investigations/{id}");
            await Expect(supervisor.Locator(".state")).ToHaveTextAsync("Loss proposed");
            await BrowserStack.ScreenshotAsync(supervisor, "supervisor-lost-in-transit-phone");
            await supervisor.GetByRole(AriaRole.Button, new() { Name = "Approve write-off" }).ClickAsync();
            await Expect(supervisor.GetByRole(AriaRole.Status).Filter(new() { HasText = "Written off as lost." })).ToBeVisibleAsync();
            await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "the lost unit left transit");

            // The engineer's request is lost in transit; "Request a replacement" opens a new request prefilled from it.
            var engineer = await browser.SignInAsync(f.Engineer, "engineer", viewport: BrowserStack.Phone);
            await engineer.GotoAsync($"/requests/{requestId}");
            await Expect(engineer.Locator("#request-state")).ToHaveTextAsync("Lost in transit", new() { Timeout = (float)Flow.Settle.TotalMilliseconds });
            await Expect(engineer.Locator("#lost-in-transit")).ToContainTextAsync(id);
            await BrowserStack.ScreenshotAsync(engineer, "engineer-request-lost-in-transit-phone");
            await engineer.GetByRole(AriaRole.Link, new() { Name = "Request a replacement" }).ClickAsync();
            await Expect(engineer.Locator("#replaces")).ToContainTextAsync(requestId);
            await Expect(engineer.Locator("#ticket")).ToHaveValueAsync("TCK-" + f.Id);
            await Expect(engineer.Locator("#site")).ToHaveValueAsync("SITE-" + f.Id);
            await BrowserStack.ScreenshotAsync(engineer, "engineer-replacement-request-phone");
            await engineer.GetByRole(AriaRole.Button, new() { Name = "Request the part" }).ClickAsync();
            await Expect(engineer.Locator("#replaces")).ToContainTextAsync(requestId);
            // A new request of its own: approved within the quota, and reserved a moment later (the page is live).
            await Expect(engineer.Locator("#request-state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Approved|Reserved)$"));
            await engineer.GotoAsync($"/requests/{requestId}");
            await Expect(engineer.Locator("#replaced-by")).ToBeVisibleAsync();
            await Expect(engineer.GetByRole(AriaRole.Link, new() { Name = "Request a replacement" })).ToHaveCountAsync(0);
            var chineseEngineer = await browser.SignInAsync(f.Engineer, "engineer", viewport: BrowserStack.Phone, locale: "zh-CN");
            await chineseEngineer.GotoAsync($"/requests/{requestId}");
            await Expect(chineseEngineer.Locator("#request-state")).ToHaveTextAsync("运输途中丢失");

            var chinese = await browser.SignInAsync($"dm2-{f.Id}", "delivery-manager", locale: "zh-CN");
            await chinese.GotoAsync($"/transit-investigations/{id}");
            await Expect(chinese.Locator(".state")).ToHaveTextAsync("已按丢失核销");
            await BrowserStack.ScreenshotAsync(chinese, "delivery-manager-lost-in-transit-zh-desktop");
        }
        finally
        {
            browser.Stack.MoveClock(-moved);
        }
    }
}
