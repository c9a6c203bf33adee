using System.Net.Http.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The disposition of a quarantined unit in the console: warehouse staff scan it on the Quarantine page and propose a
/// scrap (a missing reason is named on the form), a supervisor decides it on Quarantine decisions, in English and Chinese.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class QuarantineTests(BrowserStack browser)
{
    [Fact]
    public async Task Warehouse_scans_and_proposes_a_scrap_and_another_supervisor_writes_it_off()
    {
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "quarantined");

        var warehouse = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre);
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await Expect(warehouse.GetByRole(AriaRole.Link, new() { Name = "Quarantine", Exact = true })).ToHaveAttributeAsync("href", "/warehouse/quarantine");
        await warehouse.GotoAsync("/warehouse/quarantine");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = "Quarantine", Exact = true })).ToBeVisibleAsync();
        await Expect(warehouse.Locator($"#quarantine tr[data-serial='{p.Faulty}']")).ToBeVisibleAsync();

        var scanner = warehouse.GetByLabel("Scan a quarantined serial");
        await scanner.FillAsync("NOT-HERE-1");
        await scanner.PressAsync("Enter");
        await Expect(warehouse.GetByRole(AriaRole.Alert).Filter(new() { HasText = "NOT-HERE-1 is not quarantined at this centre." })).ToBeVisibleAsync();
        await scanner.FillAsync(p.Faulty);
        await scanner.PressAsync("Enter");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = $"Propose a disposition for {p.Faulty}" })).ToBeVisibleAsync();
        await Expect(scanner).ToHaveValueAsync("");

        // Scrap without a reason: refused, the field named, nothing proposed.
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Propose", Exact = true }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Alert).Filter(new() { HasText = "reason" }).First).ToBeVisibleAsync();
        Assert.Equal(0, await browser.Stack.ScalarAsync<long>("SELECT count(*) FROM inventory.dispositions WHERE serial = $1", p.Faulty));
        await warehouse.GetByLabel("Reason", new() { Exact = true }).FillAsync("burnt beyond repair");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-quarantine-desktop");
        await warehouse.GetByRole(AriaRole.Button, new() { Name = "Propose", Exact = true }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status).Filter(new() { HasText = "a supervisor decides" })).ToBeVisibleAsync();
        await Expect(warehouse.Locator($"#quarantine tr[data-serial='{p.Faulty}'] [data-state='Proposed']")).ToBeVisibleAsync();

        var chinese = await browser.SignInAsync($"sup2-{f.Id}", "supervisor", f.Centre, locale: "zh-CN");
        await chinese.GotoAsync("/approvals/dispositions");
        await Expect(chinese.GetByRole(AriaRole.Heading, new() { Name = "隔离处置审批" })).ToBeVisibleAsync();
        await Expect(chinese.Locator("[data-disposition]").Filter(new() { HasText = p.Faulty })).ToContainTextAsync("报废");
        await BrowserStack.ScreenshotAsync(chinese, "supervisor-quarantine-decisions-zh-desktop");

        var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre);
        await Expect(supervisor.GetByRole(AriaRole.Link, new() { Name = "Quarantine decisions" })).ToHaveAttributeAsync("href", "/approvals/dispositions");
        await supervisor.GotoAsync("/approvals/dispositions");
        var card = supervisor.Locator("[data-disposition]").Filter(new() { HasText = p.Faulty });
        await Expect(card).ToContainTextAsync("burnt beyond repair");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-quarantine-decisions-desktop");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{p.Faulty} is written off." })).ToBeVisibleAsync();
        await Expect(supervisor.Locator("[data-disposition]").Filter(new() { HasText = p.Faulty })).ToHaveCountAsync(0);

        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "written off");
        await warehouse.ReloadAsync();
        await Expect(warehouse.GetByText("No unit is quarantined at this centre.")).ToBeVisibleAsync();
        var phone = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre, BrowserStack.Phone);
        await phone.GotoAsync("/warehouse/quarantine");
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Quarantine", Exact = true })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(phone, "warehouse-quarantine-phone");
    }

    [Fact]
    public async Task Warehouse_ships_an_approved_return_to_supplier_and_closes_it_from_its_card()
    {
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "quarantined");
        var proposed = await Flow.Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/dispositions",
            new { partNumber = f.Part, serial = p.Faulty, kind = "return-to-supplier", supplier = "ACME", rmaNumber = "RMA-" + f.Id }));
        var id = Flow.Text(proposed, "dispositionId");
        await Flow.Ok(await f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }));

        var warehouse = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre);
        await warehouse.GotoAsync("/warehouse/quarantine");
        var card = warehouse.Locator($"[data-disposition='{id}']");
        await Expect(card).ToContainTextAsync("RMA-" + f.Id);

        // Not packed in ESD: refused on this card, the unit still quarantined, what was typed kept.
        await card.GetByLabel("Carrier").FillAsync("DHL");
        await card.GetByLabel("Tracking number").FillAsync("RTV-" + f.Id);
        await card.GetByRole(AriaRole.Button, new() { Name = "Ship" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Alert).Filter(new() { HasText = "ESD packaging" })).ToBeVisibleAsync();
        await Expect(card.GetByLabel("Tracking number")).ToHaveValueAsync("RTV-" + f.Id);
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "still quarantined after the refusal");

        await card.GetByLabel("Packed in a sealed ESD bag").CheckAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Ship" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{p.Faulty} shipped ({id})." })).ToBeVisibleAsync();
        await Expect(card.Locator("[data-state='Sent']")).ToBeVisibleAsync();
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "out to the supplier");

        await card.GetByLabel("Credit note or replacement reference").FillAsync("CN-" + f.Id);
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-quarantine-return-to-supplier-desktop");
        await card.GetByRole(AriaRole.Button, new() { Name = "Close the return" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{p.Faulty} closed ({id})." })).ToBeVisibleAsync();
        await Expect(warehouse.Locator($"[data-disposition='{id}']")).ToHaveCountAsync(0);
    }
}
