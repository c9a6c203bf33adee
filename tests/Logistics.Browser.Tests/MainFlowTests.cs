using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The main flow across roles, through the console only: an engineer on a phone asks for a part, the centre ships it
/// in a sealed ESD bag, the engineer signs for it, swaps it in, packs and ships the faulty part back, the centre
/// receives and inspects it, and the request ends Closed. The engineer's page is never reloaded: every change of
/// state reaches it live.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MainFlowTests(BrowserStack browser)
{
    [Fact]
    public async Task An_engineer_on_a_phone_and_a_centre_take_a_part_out_and_the_faulty_one_back_to_Closed()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BT-{run}";
        var part = $"0231{run}";
        var serials = new[] { $"SN{run}1", $"SN{run}2", $"SN{run}3" };
        var faulty = $"OLD{run}";
        await browser.StockAsync(centre, part, serials);

        // The engineer, on a phone.
        var engineer = await browser.SignInAsync($"eng-{run}", "engineer", viewport: BrowserStack.Phone);
        await Expect(engineer.GetByRole(AriaRole.Heading, new() { Name = "My requests" })).ToBeVisibleAsync();
        await Expect(engineer.GetByText("No requests here")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(engineer, "engineer-my-requests-empty-phone");

        await engineer.GetByRole(AriaRole.Link, new() { Name = "New request" }).Last.ClickAsync();
        await Expect(engineer.GetByRole(AriaRole.Heading, new() { Name = "New request" })).ToBeVisibleAsync();
        await BrowserStack.PickAsync(engineer, "Spare-part centre", centre);
        await BrowserStack.PickAsync(engineer, "Part number", part);
        await engineer.GetByLabel("Service ticket").FillAsync($"TCK-{run}");
        await engineer.GetByLabel("Site", new() { Exact = true }).FillAsync("SITE-7");
        await engineer.GetByLabel("Serial of the faulty part").FillAsync(faulty);
        await Expect(engineer.GetByText("Main control board")).ToBeVisibleAsync(); // the part picker found it in the catalogue
        await BrowserStack.ScreenshotAsync(engineer, "engineer-new-request-phone");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Request the part" }).ClickAsync();

        await engineer.WaitForURLAsync("**/requests/PR-*");
        var requestId = engineer.Url[(engineer.Url.LastIndexOf('/') + 1)..];
        await MarkPageAsync(engineer);
        await Expect(engineer.GetByText("Approved at once")).ToBeVisibleAsync();
        // Approved, then Reserved when inventory's reservation comes back: an event, shown without reload.
        await Expect(State(engineer)).ToHaveTextAsync("Reserved");
        await AssertNotReloadedAsync(engineer);
        await BrowserStack.ScreenshotAsync(engineer, "engineer-request-reserved-phone");

        // The centre, at a desktop with a scanner: the queue, then ship with the ESD checklist.
        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", centre);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        var queued = warehouse.Locator($"#ship-queue tr[data-request='{requestId}']");
        await Expect(queued).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-queue-desktop");
        await queued.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(State(warehouse)).ToHaveTextAsync("Reserved");
        var ship = warehouse.GetByRole(AriaRole.Button, new() { Name = "Ship", Exact = true });
        await Scan(warehouse, "Picked serials", serials[0]);
        await Scan(warehouse, "Picked serials", serials[0]);
        await Expect(warehouse.GetByText($"{serials[0]} is already in the list")).ToBeVisibleAsync(); // a second scan is flagged, not added
        await warehouse.GetByLabel("Package id").FillAsync($"PKG-{run}");
        await warehouse.GetByLabel("Carrier").FillAsync("DHL");
        await warehouse.GetByLabel("Tracking number").FillAsync($"JD{run}");
        await warehouse.GetByLabel("ESD bag sealed").CheckAsync();
        await warehouse.GetByLabel("tape").CheckAsync();
        await Expect(ship).ToBeDisabledAsync(); // nothing ships until the ESD checklist is complete
        await warehouse.GetByLabel("ESD symbol on the package").CheckAsync();
        await Expect(ship).ToBeEnabledAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-ship-desktop");
        await ship.ClickAsync();
        await Expect(State(warehouse)).ToHaveTextAsync("Shipped");

        // The engineer's open page shows the shipment without a reload; they sign for it.
        await Expect(State(engineer)).ToHaveTextAsync("Shipped");
        await Expect(engineer.Locator("#shipment")).ToContainTextAsync($"JD{run}");
        await AssertNotReloadedAsync(engineer);
        await Expect(engineer.GetByLabel(serials[0])).ToBeCheckedAsync();
        await engineer.GetByLabel("Outer packaging intact").CheckAsync();
        await engineer.GetByLabel("ESD bag sealed").CheckAsync();
        await BrowserStack.ScreenshotAsync(engineer, "engineer-sign-phone");
        // Receipts learns of the shipment through an event too: a refusal ("not arrived yet") is shown and signing again works.
        await ClickUntilAsync(engineer.GetByRole(AriaRole.Button, new() { Name = "Sign", Exact = true }), engineer.Locator("#receipt"));
        await Expect(State(engineer)).ToHaveTextAsync("Delivered");
        await AssertNotReloadedAsync(engineer);

        // The swap.
        await Expect(engineer.GetByLabel("Installed serial")).ToHaveValueAsync(serials[0]);
        await Expect(engineer.GetByLabel("Removed serial")).ToHaveValueAsync(faulty);
        await engineer.GetByLabel("Equipment id").FillAsync($"EQ-{run}");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-install-phone");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Record the swap" }).ClickAsync();
        await Expect(State(engineer)).ToHaveTextAsync("Installed");

        // The faulty part's return appears in "My returns" (opened by the returns service from the swap's event).
        await engineer.GotoAsync("/returns");
        var myReturn = engineer.Locator("[data-return]").Filter(new() { HasText = faulty });
        await Expect(myReturn).ToBeVisibleAsync();
        await Expect(myReturn).ToContainTextAsync("due in");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-returns-phone");
        await myReturn.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Open");
        await Expect(engineer.GetByLabel("Serial on the tag")).ToHaveValueAsync(faulty);
        await engineer.GetByLabel("Symptom").FillAsync("no output on 12 V rail");
        await engineer.GetByLabel("Software version").FillAsync("V100R001");
        await engineer.GetByLabel("Customer data removed").CheckAsync();
        await engineer.GetByLabel("In the good part's packaging").CheckAsync();
        await engineer.GetByLabel("ESD bag sealed").CheckAsync();
        await engineer.GetByLabel("tape").CheckAsync();
        await engineer.GetByLabel("ESD symbol on the package").CheckAsync();
        await BrowserStack.ScreenshotAsync(engineer, "engineer-pack-phone");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Packed" }).ClickAsync();
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Packed");
        await engineer.GetByLabel("Carrier").FillAsync("SF");
        await engineer.GetByLabel("Tracking number").FillAsync($"SF{run}");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Ship back" }).ClickAsync();
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Shipped");
        var returnUrl = engineer.Url;
        var returnId = returnUrl[(returnUrl.LastIndexOf('/') + 1)..];

        // The centre receives it (scan, packaging check) and inspects it.
        await warehouse.GotoAsync("/warehouse");
        var onItsWay = warehouse.Locator($"#receive-queue tr[data-return='{returnId}']");
        await Expect(onItsWay).ToBeVisibleAsync();
        await onItsWay.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(warehouse.Locator("#return-state")).ToHaveTextAsync("Shipped");
        await Scan(warehouse, "Serials received", faulty);
        await warehouse.GetByLabel("Outer packaging intact").CheckAsync();
        await warehouse.GetByLabel("ESD bag sealed").CheckAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-receive-desktop");
        await ClickUntilAsync(warehouse.GetByRole(AriaRole.Button, new() { Name = "Sign for it" }), warehouse.GetByRole(AriaRole.Heading, new() { Name = "Inspect" }));
        await Expect(warehouse.Locator("#return-state")).ToHaveTextAsync("Received");
        await warehouse.GetByLabel("Note").FillAsync("12 V rail dead on the bench");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-inspect-desktop");
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Record the inspection" }).ClickAsync();
        await Expect(warehouse.Locator("#return-state")).ToHaveTextAsync("Closed");

        // The request ends Closed, on the engineer's phone.
        await engineer.GotoAsync($"/requests/{requestId}");
        await MarkPageAsync(engineer);
        await Expect(State(engineer)).ToHaveTextAsync("Closed");
        await Expect(engineer.Locator("#timeline")).ToContainTextAsync("Closed");
        await Expect(engineer.Locator("#timeline")).ToContainTextAsync($"by wh-{run}");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-request-closed-phone");
    }

    private static ILocator State(IPage page) => page.Locator("#request-state");

    private static async Task Scan(IPage page, string label, string serial)
    {
        var input = page.GetByRole(AriaRole.Textbox, new() { Name = label, Exact = true });
        await input.FillAsync(serial);
        await input.PressAsync("Enter");
    }

    /// <summary>A mark in the page's JavaScript state: gone if the page is reloaded.</summary>
    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.__sameDocument = true; }");

    private static async Task AssertNotReloadedAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

    /// <summary>
    /// Presses <paramref name="button"/> until <paramref name="done"/> shows: what a person does when the console says a
    /// step's event has not arrived yet (each refusal is on screen and changed nothing).
    /// </summary>
    private static async Task ClickUntilAsync(ILocator button, ILocator done)
    {
        for (var attempt = 0; ; attempt++)
        {
            await button.ClickAsync();
            try
            {
                await Expect(done).ToBeVisibleAsync(new() { Timeout = 3_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 10) { }
        }
    }
}
