using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>Stock sent between centres on screen: the receiving centre asks, the sending centre picks by scanning and ships
/// with the ESD checklist, the receiving centre scans in what arrived and closes the receipt; a replenishment proposal's
/// transfer line, accepted, links to the transfer it requested, which either centre can cancel (with a reason) until it ships.</summary>
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

    [Fact]
    public async Task A_transfer_accepted_on_a_proposal_is_linked_from_it_and_cancelled_with_a_reason_after_it_was_picked()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (sender, receiver, part) = ($"BCS-{run}", $"BCR-{run}", $"0237{run}");
        string[] serials = [$"SC{run}1", $"SC{run}2", $"SC{run}3"];
        await browser.StockAsync(sender, part, serials);
        await browser.CatalogueAsync(receiver, part);
        // The sender holds 3 with a max of 1; the receiver none, with a min of 0 and a max of 2: a transfer of 2 is proposed.
        using var senderApi = await browser.Stack.RestAsAsync($"wh-cs-{run}", ["warehouse"], [sender]);
        using var receiverApi = await browser.Stack.RestAsAsync($"wh-cr-{run}", ["warehouse"], [receiver]);
        (await senderApi.PutAsJsonAsync($"/api/v1/centres/{sender}/stock-limits/{part}", new { reorderPoint = 0, orderUpTo = 1 })).EnsureSuccessStatusCode();
        (await receiverApi.PutAsJsonAsync($"/api/v1/centres/{receiver}/stock-limits/{part}", new { reorderPoint = 0, orderUpTo = 2 })).EnsureSuccessStatusCode();

        // The receiving centre accepts the proposal as it is: the decision links to the transfer it requested.
        var page = await browser.SignInAsync($"wh-cr-{run}", "warehouse", receiver);
        await page.GotoAsync("/warehouse/replenishment");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Replenishment", Exact = true })).ToBeVisibleAsync();
        await page.Locator("#propose-now").ClickAsync();
        await Expect(page.Locator($"#proposal tr[data-part='{part}']")).ToContainTextAsync($"Transfer from {sender}");
        await page.Locator("#accept").ClickAsync();
        var link = page.Locator($"#proposal tr[data-part='{part}'] a.transfer-link");
        await Expect(link).ToContainTextAsync("TRF-");
        await BrowserStack.ScreenshotAsync(page, "warehouse-replenishment-transfer-link-desktop");
        var transferId = (await link.TextContentAsync())!.Trim();

        // The sending centre picks it (through the API): its two units are reserved there.
        using (var pick = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/transfers/{transferId}:pick") { Content = JsonContent.Create(new { serials = serials[..2] }) })
        {
            pick.Headers.Add("Idempotency-Key", $"pick-{run}");
            (await senderApi.SendAsync(pick)).EnsureSuccessStatusCode();
        }

        // The link opens the transfer's card; the receiving centre cancels it: the reason is asked for, refused when left out.
        await link.ClickAsync();
        var card = page.Locator($"[data-transfer='{transferId}']");
        await Expect(card).ToContainTextAsync("Picked");
        await Expect(card).ToContainTextAsync("replenishment proposal");
        await card.GetByRole(AriaRole.Button, new() { Name = $"Cancel transfer {transferId}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Cancel transfer" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel transfer", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("is required");
        await BrowserStack.ScreenshotAsync(page, "warehouse-transfer-cancel-refused-desktop");
        await Expect(card).ToContainTextAsync("Picked");
        await dialog.GetByLabel("Reason").FillAsync("Bought locally after all");
        await BrowserStack.ScreenshotAsync(page, "warehouse-transfer-cancel-desktop");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel transfer", Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "cancelled" })).ToContainTextAsync("Bought locally after all");
        await Expect(card).ToHaveCountAsync(0);

        // Through the API: cancelled with the reason, and the picked units available again at the sending centre.
        var transfer = JsonDocument.Parse(await senderApi.GetStringAsync($"/api/v1/transfers/{transferId}")).RootElement;
        Assert.Equal(("Cancelled", "Bought locally after all"), (transfer.GetProperty("state").GetString(), transfer.GetProperty("cancelReason").GetString()));
        var level = JsonDocument.Parse(await senderApi.GetStringAsync($"/api/v1/centres/{sender}/stock/{part}")).RootElement;
        Assert.Equal((3L, 0L), (Logistics.Testing.Flow.Number(level, "available"), Logistics.Testing.Flow.Number(level, "reserved")));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_part_tracked_by_quantity_is_picked_and_received_by_count()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var (sender, receiver, cable) = ($"BQS-{run}", $"BQR-{run}", $"CBL{run}");
        await browser.CatalogueAsync(sender, $"0238{run}");
        await browser.CatalogueAsync(receiver, $"0238{run}");
        using (var admin = await browser.Stack.RestAsAsync("browser-admin", "admin"))
            (await admin.PutAsJsonAsync($"/api/v1/parts/{cable}", new { description = "Fibre cable", serialized = false, unit = "pcs" })).EnsureSuccessStatusCode();
        using var senderApi = await browser.Stack.RestAsAsync($"wh-qs-{run}", ["warehouse"], [sender]);
        using var receiverApi = await browser.Stack.RestAsAsync($"wh-qr-{run}", ["warehouse"], [receiver]);
        using (var goodsIn = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{sender}/goods-in") { Content = JsonContent.Create(new { partNumber = cable, bin = "A-01", quantity = 10 }) })
        {
            goodsIn.Headers.Add("Idempotency-Key", $"gi-{run}");
            (await senderApi.SendAsync(goodsIn)).EnsureSuccessStatusCode();
        }
        (await receiverApi.PostAsJsonAsync($"/api/v1/centres/{receiver}/transfers", new { fromCentreId = sender, partNumber = cable, quantity = 4 })).EnsureSuccessStatusCode();

        // The sending centre confirms the count (no serials to scan) and ships.
        var picker = await browser.SignInAsync($"wh-qs-{run}", "warehouse", sender);
        await picker.GotoAsync("/warehouse/transfers");
        var outgoing = picker.Locator("[data-transfer]").Filter(new() { HasText = cable });
        await Expect(outgoing.GetByLabel("Quantity picked")).ToHaveValueAsync("4");
        await Expect(outgoing.Locator("input.scan-input")).ToHaveCountAsync(0);
        await outgoing.GetByRole(AriaRole.Button, new() { Name = "Pick" }).ClickAsync();
        await Expect(outgoing).ToContainTextAsync("Units picked: 4");
        await outgoing.GetByLabel("ESD bag sealed").CheckAsync();
        await outgoing.GetByText("tape", new() { Exact = true }).ClickAsync();
        await outgoing.GetByLabel("ESD symbol on the package").CheckAsync();
        await outgoing.GetByLabel("Carrier").FillAsync("SF Express");
        await outgoing.GetByLabel("Tracking number").FillAsync($"SFQ{run}");
        await outgoing.GetByRole(AriaRole.Button, new() { Name = "Ship" }).ClickAsync();
        await Expect(picker.GetByRole(AriaRole.Status).Filter(new() { HasText = "shipped" })).ToContainTextAsync("SF Express");

        // The receiving centre counts 3 in and closes the receipt: 1 missing.
        var receiverPage = await browser.SignInAsync($"wh-qr-{run}", "warehouse", receiver);
        await receiverPage.GotoAsync("/warehouse/transfers");
        var incoming = receiverPage.Locator("[data-transfer]").Filter(new() { HasText = cable });
        await Expect(incoming).ToContainTextAsync("In transit: 4");
        await incoming.GetByLabel("Quantity received").FillAsync("3");
        await incoming.GetByText("Close the receipt").ClickAsync();
        await BrowserStack.ScreenshotAsync(receiverPage, "warehouse-transfer-receive-by-count-desktop");
        await incoming.GetByRole(AriaRole.Button, new() { Name = "Receive" }).ClickAsync();
        await Expect(receiverPage.GetByRole(AriaRole.Status).Filter(new() { HasText = "received" })).ToContainTextAsync("3 received, 1 missing");

        var level = JsonDocument.Parse(await receiverApi.GetStringAsync($"/api/v1/centres/{receiver}/stock/{cable}")).RootElement;
        Assert.Equal(3L, Logistics.Testing.Flow.Number(level, "onHand"));
        await picker.Context.CloseAsync();
        await receiverPage.Context.CloseAsync();
    }
}
