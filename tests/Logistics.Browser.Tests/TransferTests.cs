using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>Stock sent between centres on screen: the receiving centre asks, the sending centre picks by scanning and ships
/// with the ESD checklist, the receiving centre scans in what arrived and closes the receipt.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TransferTests(BrowserStack browser)
{
    [Fact]
    public async Task A_transfer_is_asked_for_picked_by_scanning_shipped_with_the_ESD_checklist_and_received_short()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (sender, receiver, part) = ($"BTS-{run}", $"BTR-{run}", $"0236{run}");
        var (first, second) = ($"ST{run}1", $"ST{run}2");
        await browser.StockAsync(sender, part, first, second);
        await browser.CatalogueAsync(receiver, part);

        // The receiving centre asks for two.
        var asker = await browser.SignInAsync($"wh-r-{run}", "warehouse", receiver);
        await asker.GotoAsync("/warehouse/transfers");
        await Expect(asker.GetByRole(AriaRole.Heading, new() { Name = "Transfers", Exact = true })).ToBeVisibleAsync();
        await BrowserStack.PickAsync(asker, "From centre", sender);
        await BrowserStack.PickAsync(asker, "Part number", part);
        await asker.GetByLabel("Quantity").FillAsync("2");
        await asker.GetByRole(AriaRole.Button, new() { Name = "Request transfer" }).ClickAsync();
        await Expect(asker.GetByRole(AriaRole.Status).Filter(new() { HasText = "Requested" })).ToContainTextAsync(sender);
        var incoming = asker.Locator("[data-transfer]").Filter(new() { HasText = part });
        await Expect(incoming).ToContainTextAsync("Requested");

        // The sending centre picks by scanning and ships; the package goes only with the checklist complete.
        var picker = await browser.SignInAsync($"wh-s-{run}", "warehouse", sender);
        await picker.GotoAsync("/warehouse/transfers");
        var outgoing = picker.Locator("[data-transfer]").Filter(new() { HasText = part });
        await Expect(outgoing).ToContainTextAsync($"{sender} → {receiver}");
        var scanner = outgoing.Locator("input.scan-input");
        foreach (var serial in new[] { first, second })
        {
            await scanner.FillAsync(serial);
            await scanner.PressAsync("Enter");
        }
        await Expect(outgoing.Locator(".scan-list li")).ToHaveCountAsync(2);
        await outgoing.GetByRole(AriaRole.Button, new() { Name = "Pick" }).ClickAsync();
        await Expect(outgoing).ToContainTextAsync("Picked");
        var ship = outgoing.GetByRole(AriaRole.Button, new() { Name = "Ship" });
        await Expect(ship).ToBeDisabledAsync();
        await outgoing.GetByLabel("ESD bag sealed").CheckAsync();
        await outgoing.GetByText("tape", new() { Exact = true }).ClickAsync();
        await outgoing.GetByLabel("ESD symbol on the package").CheckAsync();
        await outgoing.GetByLabel("Carrier").FillAsync("SF Express");
        await outgoing.GetByLabel("Tracking number").FillAsync($"SF{run}");
        await BrowserStack.ScreenshotAsync(picker, "warehouse-transfer-ship-desktop");
        await ship.ClickAsync();
        await Expect(picker.GetByRole(AriaRole.Status).Filter(new() { HasText = "shipped" })).ToContainTextAsync("SF Express");

        // The asker's page follows without a reload; one unit arrives and the receipt is closed: the other is missing.
        await Expect(incoming).ToContainTextAsync("Shipped");
        await Expect(incoming).ToContainTextAsync(first);
        var receive = incoming.Locator("input.scan-input");
        await receive.FillAsync(first);
        await receive.PressAsync("Enter");
        await incoming.GetByText("Close the receipt").ClickAsync();
        await BrowserStack.ScreenshotAsync(asker, "warehouse-transfer-receive-desktop");
        await incoming.GetByRole(AriaRole.Button, new() { Name = "Receive" }).ClickAsync();
        await Expect(asker.GetByRole(AriaRole.Status).Filter(new() { HasText = "received" })).ToContainTextAsync("1 received, 1 missing");

        // Through the API: the received unit is on the receiving centre's shelf; the missing one is not.
        using var api = await browser.Stack.RestAsAsync($"wh-r-{run}", ["warehouse"], [receiver]);
        var serials = await api.GetStringAsync($"/api/v1/centres/{receiver}/serials?partNumber={part}");
        Assert.Contains(first, serials);
        Assert.DoesNotContain(second, serials);
        await asker.Context.CloseAsync();
        await picker.Context.CloseAsync();
    }
}
