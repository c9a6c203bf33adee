using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// Refusals on screen: each leaves the form as it was typed, shows the service's message where it happened, and
/// changes nothing (checked through the REST API afterwards). The catalogue pickers search as the user types.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RefusalTests(BrowserStack browser)
{
    [Fact]
    public async Task A_serial_held_at_another_centre_is_flagged_when_scanned_and_refused_on_submit_with_the_form_kept()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (here, elsewhere, part, serial) = ($"BR-{run}", $"BE-{run}", $"0234{run}", $"SH{run}1");
        await browser.StockAsync(elsewhere, part, serial);
        await browser.CatalogueAsync(here, part);
        using var warehouseApi = await browser.Stack.RestAsAsync($"wh-{run}", ["warehouse"], [here]);
        // Custody learns of the other centre's goods-in through an event; the flag reads custody.
        await Eventually.Until(async () => (await warehouseApi.GetAsync($"/api/v1/serials/{serial}")).IsSuccessStatusCode, ok => ok,
            TimeSpan.FromSeconds(30), $"custody knows {serial}");

        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", here);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await warehouse.GotoAsync("/warehouse/goods-in");
        // The part picker searches the catalogue as the user types a piece of the number, and the part is picked from the list.
        await warehouse.GetByLabel("Part number").PressSequentiallyAsync(part[2..]);
        await warehouse.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = part }).ClickAsync();
        await Expect(warehouse.GetByLabel("Part number")).ToHaveValueAsync(part);
        var scanner = warehouse.GetByRole(AriaRole.Textbox, new() { Name = "Serials (scan each one)", Exact = true });
        await scanner.FillAsync(serial);
        await scanner.PressAsync("Enter");
        var flag = warehouse.Locator($".scan-flag[data-serial='{serial}']");
        await Expect(flag).ToContainTextAsync($"held by centre:{elsewhere}");
        await warehouse.GetByLabel("Delivery note").FillAsync($"DN-{run}");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-goods-in-held-elsewhere-desktop");

        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Book in" }).ClickAsync();
        // The service's refusal: in the summary and at the scanned serial; the list and the note stay as typed.
        await Expect(warehouse.Locator(".mud-alert[role=alert]")).ToContainTextAsync($"serial {serial}");
        await Expect(flag).ToContainTextAsync(elsewhere);
        await Expect(warehouse.Locator(".scan-list li")).ToHaveCountAsync(1);
        await Expect(warehouse.GetByLabel("Delivery note")).ToHaveValueAsync($"DN-{run}");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-goods-in-refused-desktop");

        // Nothing was booked in here.
        var level = await JsonAsync(warehouseApi, $"/api/v1/centres/{here}/stock/{part}");
        Assert.Equal(0, OnHand(level));
    }

    [Fact]
    public async Task Nothing_ships_without_the_ESD_checklist_and_a_forced_ship_is_refused_with_nothing_changed()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (centre, part, serial) = ($"BS-{run}", $"0235{run}", $"SS{run}1");
        await browser.StockAsync(centre, part, serial);
        var requestId = await ReservedRequestAsync($"eng-{run}", centre, part);

        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", centre);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await warehouse.GotoAsync($"/requests/{requestId}");
        await Expect(warehouse.Locator("#request-state")).ToHaveTextAsync("Reserved");
        var picked = warehouse.GetByRole(AriaRole.Textbox, new() { Name = "Picked serials", Exact = true });
        await picked.FillAsync(serial);
        await picked.PressAsync("Enter");
        await warehouse.GetByLabel("Package id").FillAsync($"PKG-{run}");
        await warehouse.GetByLabel("Carrier").FillAsync("DHL");
        await warehouse.GetByLabel("Tracking number").FillAsync($"JD{run}");
        await warehouse.GetByLabel("ESD bag sealed").CheckAsync();
        await warehouse.GetByLabel("tape").CheckAsync();
        var ship = warehouse.GetByRole(AriaRole.Button, new() { Name = "Ship", Exact = true });
        await Expect(ship).ToBeDisabledAsync();
        await ship.ClickAsync(new() { Force = true }); // a click on the disabled button does nothing
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-ship-checklist-incomplete-desktop");

        // The same ship forced past the screen, with what the form holds: the service refuses it, naming the field.
        using var warehouseApi = await browser.Stack.RawRestAsAsync($"wh-{run}", ["warehouse"], [centre]);
        using var forced = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/part-requests/{requestId}:ship")
        {
            Content = JsonContent.Create(new
            {
                serials = new[] { serial }, carrier = "DHL", trackingNo = $"JD{run}",
                packaging = new { esdBagSealed = true, sealedWith = "tape", esdSymbol = false, packageId = $"PKG-{run}" },
            }),
        };
        forced.Headers.Add("Idempotency-Key", $"forced-{run}");
        var answer = await warehouseApi.SendAsync(forced);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("esd_symbol", await answer.Content.ReadAsStringAsync());

        // Nothing changed: still Reserved, the serial still on the shelf; the form still as filled.
        Assert.Equal("Reserved", (await JsonAsync(warehouseApi, $"/api/v1/part-requests/{requestId}")).GetProperty("state").GetString());
        var level = await JsonAsync(warehouseApi, $"/api/v1/centres/{centre}/stock/{part}");
        Assert.Equal(1, OnHand(level));
        await Expect(warehouse.Locator("#request-state")).ToHaveTextAsync("Reserved");
        await Expect(warehouse.GetByLabel("Tracking number")).ToHaveValueAsync($"JD{run}");
        await Expect(warehouse.Locator(".scan-list li")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_supervisor_cannot_approve_their_own_request_and_sees_the_service_s_message()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (centre, part) = ($"BP-{run}", $"0236{run}");
        await browser.StockAsync(centre, part, $"SP{run}1", $"SP{run}2", $"SP{run}3", $"SP{run}4");
        var user = $"lead-{run}";

        // Someone who is both an engineer and the centre's supervisor asks for more than the quota.
        var lead = await browser.SignInAsync(user, "engineer,supervisor", centre);
        await lead.GotoAsync("/requests/new");
        await Expect(lead.GetByRole(AriaRole.Heading, new() { Name = "New request" })).ToBeVisibleAsync();
        // The centre picker finds the centre by a piece of its name.
        await lead.GetByLabel("Spare-part centre").PressSequentiallyAsync($"Centre {centre}"[..12]);
        await lead.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = centre }).ClickAsync();
        await Expect(lead.GetByLabel("Spare-part centre")).ToHaveValueAsync(centre);
        await BrowserStack.PickAsync(lead, "Part number", part);
        await lead.GetByLabel("Service ticket").FillAsync($"TCK-{run}");
        await lead.GetByLabel("Site", new() { Exact = true }).FillAsync("SITE-3");
        await lead.GetByLabel("Quantity").FillAsync("3");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Request the part" }).ClickAsync();
        await lead.WaitForURLAsync("**/requests/PR-*");
        var requestId = lead.Url[(lead.Url.LastIndexOf('/') + 1)..];
        await Expect(lead.Locator("#request-state")).ToHaveTextAsync("Submitted");

        await lead.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(lead.Locator("#decide [role=alert]").First).ToContainTextAsync("cannot approve their own request");
        await Expect(lead.Locator("#request-state")).ToHaveTextAsync("Submitted");
        await BrowserStack.ScreenshotAsync(lead, "supervisor-self-approval-refused-desktop");

        using var api = await browser.Stack.RestAsAsync(user, ["supervisor"], [centre]);
        var request = await JsonAsync(api, $"/api/v1/part-requests/{requestId}");
        Assert.Equal("Submitted", request.GetProperty("state").GetString());
        Assert.False(request.TryGetProperty("approvedBy", out var by) && by.GetString() is { Length: > 0 });
    }

    [Fact]
    public async Task A_fault_tag_for_another_serial_is_refused_at_the_field_with_the_form_kept_and_the_return_still_open()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (centre, part, serial, faulty) = ($"BF-{run}", $"0238{run}", $"SF{run}1", $"OLDF{run}");
        await browser.StockAsync(centre, part, serial);
        var engineerId = $"eng-{run}";
        var returnId = await OpenReturnAsync(engineerId, centre, part, serial, faulty);

        var engineer = await browser.SignInAsync(engineerId, "engineer", viewport: BrowserStack.Phone);
        await Expect(engineer.GetByRole(AriaRole.Heading, new() { Name = "My requests" })).ToBeVisibleAsync();
        await engineer.GotoAsync($"/returns/{returnId}");
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Open");
        await engineer.GetByLabel("Serial on the tag").FillAsync($"WRONG{run}");
        await engineer.GetByLabel("Symptom").FillAsync("no output on 12 V rail");
        await engineer.GetByLabel("Software version").FillAsync("V100R001");
        await engineer.GetByLabel("Customer data removed").CheckAsync();
        await engineer.GetByLabel("In the good part's packaging").CheckAsync();
        await engineer.GetByLabel("ESD bag sealed").CheckAsync();
        await engineer.GetByLabel("tape").CheckAsync();
        await engineer.GetByLabel("ESD symbol on the package").CheckAsync();
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Packed" }).ClickAsync();

        // The service's message under the tag's serial; everything typed stays; the return is still Open.
        var tagSerial = engineer.Locator(".mud-input-control").Filter(new() { Has = engineer.GetByLabel("Serial on the tag") });
        await Expect(tagSerial).ToContainTextAsync("does not match the serial of return");
        await Expect(tagSerial).Not.ToContainTextAsync("fault_tag.serial"); // the label names the field, not its code name
        await Expect(engineer.GetByLabel("Serial on the tag")).ToHaveValueAsync($"WRONG{run}");
        await Expect(engineer.GetByLabel("Symptom")).ToHaveValueAsync("no output on 12 V rail");
        await Expect(engineer.GetByLabel("Customer data removed")).ToBeCheckedAsync();
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Open");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-fault-tag-refused-phone");

        using var api = await browser.Stack.RestAsAsync(engineerId, "engineer");
        Assert.Equal("Open", (await JsonAsync(api, $"/api/v1/returns/{returnId}")).GetProperty("state").GetString());
    }

    /// <summary>Set-up through the REST API: a request shipped, signed for and swapped, so the faulty part's return is open.</summary>
    private async Task<string> OpenReturnAsync(string engineerId, string centre, string part, string serial, string faulty)
    {
        using var engineer = await browser.Stack.RestAsAsync(engineerId, "engineer");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/part-requests")
        {
            Content = JsonContent.Create(new { ticketId = "TCK-" + engineerId, siteId = "SITE-1", centreId = centre, partNumber = part, quantity = 1, serviceLevel = "7x24x4", faultySerial = faulty }),
        };
        create.Headers.Add("Idempotency-Key", "setup-" + engineerId);
        var created = await engineer.SendAsync(create);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await Eventually.Until(async () => (await JsonAsync(engineer, $"/api/v1/part-requests/{id}")).GetProperty("state").GetString(), s => s == "Reserved",
            TimeSpan.FromSeconds(30), $"{id} reserved");
        using var warehouse = await browser.Stack.RestAsAsync($"wh-{engineerId}", ["warehouse"], [centre]);
        await PostAsync(warehouse, $"/api/v1/part-requests/{id}:ship", new
        {
            serials = new[] { serial }, carrier = "DHL", trackingNo = "JD" + engineerId,
            packaging = new { esdBagSealed = true, sealedWith = "tape", esdSymbol = true, packageId = "PKG" + engineerId },
        });
        // Receipts learns of the shipment through an event: the signing is retried until it is expected.
        await Eventually.Until(async () => (await PostRawAsync(engineer, "/api/v1/receipts", new
        {
            kind = "centre-to-engineer", reference = id, serials = new[] { serial }, quantity = 1,
            packaging = new { outerIntact = true, esdBagSealed = true }, condition = "ok",
        }, "sign-" + engineerId)).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(30), $"{id} signed for");
        await Eventually.Until(async () => (await JsonAsync(engineer, $"/api/v1/part-requests/{id}")).GetProperty("state").GetString(), s => s == "Delivered",
            TimeSpan.FromSeconds(30), $"{id} delivered");
        await PostAsync(engineer, $"/api/v1/part-requests/{id}:install", new { installedSerial = serial, removedSerial = faulty, equipmentId = "EQ-" + engineerId });
        return await Eventually.Until(async () =>
        {
            var list = await JsonAsync(engineer, $"/api/v1/returns?engineerId={engineerId}");
            return list.TryGetProperty("returns", out var returns) && returns.GetArrayLength() > 0 ? returns[0].GetProperty("returnId").GetString() : null;
        }, r => r is not null, TimeSpan.FromSeconds(30), $"the return of {faulty}") ?? "";
    }

    private static async Task PostAsync(HttpClient client, string path, object body) =>
        (await PostRawAsync(client, path, body, Guid.NewGuid().ToString("N"))).EnsureSuccessStatusCode();

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>Set-up through the REST API: an engineer's request (within the quota) that inventory has reserved.</summary>
    internal static async Task<string> ReservedRequestAsync(BrowserStack browser, string engineerId, string centre, string part)
    {
        using var engineer = await browser.Stack.RestAsAsync(engineerId, "engineer");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/part-requests")
        {
            Content = JsonContent.Create(new { ticketId = "TCK-" + engineerId, siteId = "SITE-1", centreId = centre, partNumber = part, quantity = 1, serviceLevel = "7x24x4" }),
        };
        create.Headers.Add("Idempotency-Key", "setup-" + engineerId);
        var answer = await engineer.SendAsync(create);
        answer.EnsureSuccessStatusCode();
        var id = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await Eventually.Until(async () => (await JsonAsync(engineer, $"/api/v1/part-requests/{id}")).GetProperty("state").GetString(), s => s == "Reserved",
            TimeSpan.FromSeconds(30), $"{id} reserved");
        return id;
    }

    private Task<string> ReservedRequestAsync(string engineerId, string centre, string part) => ReservedRequestAsync(browser, engineerId, centre, part);

    internal static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        var answer = await client.GetAsync(path);
        answer.EnsureSuccessStatusCode();
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    // proto3 JSON leaves a zero int64 out, and writes int64 as a string.
    private static long OnHand(JsonElement level) =>
        level.TryGetProperty("onHand", out var v) ? long.Parse(v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText(), System.Globalization.CultureInfo.InvariantCulture) : 0;
}
