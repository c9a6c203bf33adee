using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>Warehouse staff book serials in with a keyboard-wedge scanner (scan + Enter each) and see the centre's stock.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GoodsInTests(BrowserStack browser)
{
    [Fact]
    public async Task Scanned_serials_are_booked_in_once_each_and_the_stock_shows_them_by_bin()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BG-{run}";
        var part = $"0233{run}";
        await browser.CatalogueAsync(centre, part);

        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", centre);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await warehouse.GotoAsync("/warehouse/goods-in");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Goods in" })).ToBeVisibleAsync();
        await BrowserStack.PickAsync(warehouse, "Part number", part);
        var scanner = warehouse.GetByRole(AriaRole.Textbox, new() { Name = "Serials (scan each one)", Exact = true });
        foreach (var serial in new[] { $"SG{run}1", $"SG{run}2", $"SG{run}1" })
        {
            await scanner.FillAsync(serial);
            await scanner.PressAsync("Enter");
        }
        // The repeated scan is flagged and not added; the scanner field is empty again for the next scan.
        await Expect(warehouse.GetByText($"SG{run}1 is already in the list")).ToBeVisibleAsync();
        await Expect(warehouse.Locator(".scan-list li")).ToHaveCountAsync(2);
        await Expect(scanner).ToHaveValueAsync("");
        await warehouse.GetByLabel("Delivery note").FillAsync($"DN-{run}");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-goods-in-desktop");
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Book in" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status).Filter(new() { HasText = "Booked in" })).ToContainTextAsync("on hand 2");
        await Expect(warehouse.Locator(".scan-list li")).ToHaveCountAsync(0);

        await warehouse.GotoAsync("/warehouse/stock");
        var row = warehouse.Locator("#stock tr").Filter(new() { HasText = part });
        await Expect(row).ToContainTextAsync("2");
        await row.GetByRole(AriaRole.Button, new() { Name = part }).ClickAsync();
        await Expect(warehouse.GetByText($"SG{run}2")).ToBeVisibleAsync();
        await Expect(warehouse.GetByText("A-01")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-stock-desktop");
    }
}
