using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The warehouse sets a part's min/max, has a proposal made now, changes the quantity and accepts it as a purchase, sees
/// the expected goods-in, and books the delivery in against it: the check shows the line complete and the ASN closed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReplenishmentTests(BrowserStack browser)
{
    [Fact]
    public async Task A_part_below_min_is_proposed_accepted_as_a_purchase_and_booked_in_against_its_asn()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BR-{run}";
        var part = $"0244{run}";
        await browser.CatalogueAsync(centre, $"0245{run}");
        using (var admin = await browser.Stack.RestAsAsync("browser-admin", "admin"))
            (await admin.PutAsJsonAsync($"/api/v1/parts/{part}", new { description = "Fibre cable", serialized = false, unit = "pcs", supplier = $"ACME-{run}" }))
                .EnsureSuccessStatusCode();

        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", centre);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await warehouse.GotoAsync("/warehouse/replenishment");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Replenishment", Exact = true })).ToBeVisibleAsync();

        // Min/max: a max below the min is refused on its field; then 2/5 is saved.
        await BrowserStack.PickAsync(warehouse, "Part number", part);
        await warehouse.GetByLabel("Reorder point").FillAsync("2");
        await warehouse.GetByLabel("Order up to").FillAsync("1");
        await warehouse.Locator("#limit-save").ClickAsync();
        await Expect(warehouse.Locator("#limits")).ToContainTextAsync("must be at least the reorder point 2 (was 1)");
        await warehouse.GetByLabel("Order up to").FillAsync("5");
        await warehouse.Locator("#limit-save").ClickAsync();
        await Expect(warehouse.Locator($"#limits tr[data-part='{part}']")).ToContainTextAsync("5");

        // Propose now: nothing in stock, so 5 to bring from the supplier; the warehouse takes 4.
        await warehouse.Locator("#propose-now").ClickAsync();
        var line = warehouse.Locator($"#proposal tr[data-part='{part}']");
        await Expect(line).ToContainTextAsync($"Purchase from ACME-{run}");
        await line.GetByLabel($"Quantity of {part}").FillAsync("4");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-replenishment-desktop");
        await warehouse.Locator("#accept").ClickAsync();
        await Expect(warehouse.Locator("#proposal")).ToContainTextAsync("Accepted");
        var asn = warehouse.Locator("#asns tr[data-asn]");
        await Expect(asn).ToContainTextAsync($"{part} 0/4");
        var asnId = await asn.GetAttributeAsync("data-asn");

        // Goods-in against the ASN: complete, closed.
        await warehouse.GotoAsync("/warehouse/goods-in");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Goods in" })).ToBeVisibleAsync();
        await warehouse.GetByLabel("Expected goods-in (ASN, optional)").ClickAsync();
        await warehouse.GetByRole(AriaRole.Option).Filter(new() { HasText = asnId! }).ClickAsync();
        await BrowserStack.PickAsync(warehouse, "Part number", part);
        await warehouse.GetByLabel("Quantity (parts without serials)").FillAsync("4");
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Book in" }).ClickAsync();
        var check = warehouse.Locator("#asn-check");
        await Expect(check).ToContainTextAsync("Complete");
        await Expect(check).ToContainTextAsync("Closed");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-goods-in-asn-desktop");
    }
}
