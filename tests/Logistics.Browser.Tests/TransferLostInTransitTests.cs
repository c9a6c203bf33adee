using System.Net.Http.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// A transfer between centres lost in transit in the console (docs/lost-in-transit.md, "Transfers between centres"): the
/// sending centre's warehouse sees the investigation on its list and page with the transfer, the part of it under
/// investigation (the unit the receiving centre did not find) and the receiving centre where an engineer shipment shows
/// the serials and the engineer; once written off, the transfer shows the unit lost, linked to the investigation.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TransferLostInTransitTests(BrowserStack browser)
{
    private static async Task<string> SendAsync(HttpClient by, string path, object body, string key, string field = "transferId")
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", key);
        return Text(await Ok(await by.SendAsync(message)), field);
    }

    [Fact]
    public async Task The_sending_centre_sees_a_lost_transfer_addressed_to_the_receiving_centre()
    {
        var f = await StockedAsync(browser.Stack);
        using var _ = f;
        var to = "R-" + f.Id;
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{to}", new { name = "Receiving centre", bins = new[] { "B-01" } }));
        using var toWarehouse = await browser.Stack.RestAsAsync($"whr-{f.Id}", ["warehouse"], [to]);
        var transfer = await SendAsync(toWarehouse, $"/api/v1/centres/{to}/transfers", new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 2 }, "req-" + f.Id);
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{transfer}:pick", new { serials = new[] { f.Serials[0], f.Serials[1] } }, "pick-" + f.Id);
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{transfer}:ship", new { carrier = "SF", trackingNumber = "SF-" + f.Id, esdPackaging = true }, "ship-" + f.Id);
        // One unit arrives; the receiving centre closes the receipt with the other missing.
        await SendAsync(toWarehouse, $"/api/v1/transfers/{transfer}:receive", new { serials = new[] { f.Serials[0] }, bin = "B-01", final = true }, "rcv-" + f.Id, "state");
        await Eventually.Until(async () => await browser.Stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1", "transfer-" + transfer) == 1,
            Settle, "receipts knows the transfer");
        var id = "TI-transfer-" + transfer;
        var moved = TimeSpan.Zero;
        try
        {
            moved = browser.Stack.MoveClock(TimeSpan.FromDays(5) + TimeSpan.FromHours(2));
            await Eventually.Until(async () => await browser.Stack.ScalarAsync<long>(
                "SELECT count(*) FROM receipts.transit_investigations WHERE investigation_id = $1", id) == 1, Settle, "investigation opened");
            var warehouse = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre);
            await warehouse.GotoAsync("/transit-investigations");
            var card = warehouse.Locator($"[data-investigation='{id}']");
            await Expect(card).ToContainTextAsync($"centre {to}", new() { Timeout = (float)Settle.TotalMilliseconds });
            await Expect(card).ToContainTextAsync("Transfer");
            await card.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
            await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = $"Investigation {id}" })).ToBeVisibleAsync();
            await Expect(warehouse.Locator(".addressee")).ToHaveTextAsync(to);
            await Expect(warehouse.GetByText("To centre")).ToBeVisibleAsync();
            await Expect(warehouse.Locator(".units")).ToHaveTextAsync("1 of the 2 units shipped are under investigation; the others arrived.");
            await Expect(warehouse.GetByRole(AriaRole.Button, new() { Name = "Propose write-off" })).ToBeVisibleAsync();
            await BrowserStack.ScreenshotAsync(warehouse, "warehouse-lost-transfer-desktop");

            await warehouse.GetByLabel("Carrier claim reference").FillAsync("SF-CLM-" + f.Id);
            await warehouse.GetByRole(AriaRole.Button, new() { Name = "Propose write-off" }).ClickAsync();
            await Expect(warehouse.Locator(".state")).ToHaveTextAsync("Loss proposed");
            using (var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/transit-investigations/{id}:approve-write-off") { Content = JsonContent.Create(new { }) })
            {
                approve.Headers.Add("Idempotency-Key", "approve-" + f.Id);
                await Ok(await f.Sup2.SendAsync(approve));
            }
            await warehouse.GotoAsync("/warehouse/transfers");
            var lost = warehouse.Locator($"[data-transfer='{transfer}'] .lost");
            await Expect(lost).ToContainTextAsync($"Written off as lost: {f.Serials[1]}", new() { Timeout = (float)Settle.TotalMilliseconds });
            await Expect(lost.GetByRole(AriaRole.Link, new() { Name = id })).ToBeVisibleAsync();
            await BrowserStack.ScreenshotAsync(warehouse, "warehouse-transfer-written-off-desktop");
        }
        finally
        {
            browser.Stack.MoveClock(-moved);
        }
    }
}
