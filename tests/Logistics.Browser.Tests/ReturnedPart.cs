using System.Net.Http.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;

namespace Logistics.Browser.Tests;

/// <summary>
/// Set-up through the REST API (not under test): the main flow up to a faulty part packed (fault tag filled in) and,
/// when asked, shipped back, received outside a sealed ESD bag (a packaging anomaly) and inspected.
/// </summary>
public sealed record ReturnedPart(Flow Flow, string RequestId, string Good, string Faulty, string ReturnId)
{
    public static async Task<ReturnedPart> PackedAsync(TestStack stack)
    {
        var f = await StockedAsync(stack);
        var (requestId, good) = await f.DeliveredRequestAsync();
        var faulty = "FAULTY-" + f.Id;
        await f.InstallAsync(requestId, good, faulty);
        var returnId = Text(await f.ReturnOfRequestAsync(requestId), "returnId");
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        return new ReturnedPart(f, requestId, good, faulty, returnId);
    }

    public static async Task<ReturnedPart> InspectedAsync(TestStack stack)
    {
        var p = await PackedAsync(stack);
        var f = p.Flow;
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{p.ReturnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
        await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", p.ReturnId, [p.Faulty], esdBagSealed: false))).IsSuccessStatusCode,
            Settle, "the centre signs for the return");
        await f.ReturnInStateAsync(p.ReturnId, "Received");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{p.ReturnId}:inspect", new { result = "confirmed-fault" }));
        return p;
    }

    /// <summary>Waits until custody has <paramref name="events"/> events of <paramref name="serial"/> (it builds them from events).</summary>
    public async Task CustodyHasAsync(string serial, int events) =>
        await Eventually.Until(async () => await Ok(await Flow.Auditor.GetAsync($"/api/v1/serials/{serial}/custody")),
            h => h.GetProperty("events").GetArrayLength() >= events, Settle, $"{events} custody events of {serial}");
}

public static class BrowserStackExtensions
{
    /// <summary>
    /// As <see cref="BrowserStack.SignInAsync"/> on a desktop, with a device scale factor: a printable's barcode is
    /// screenshotted at several device pixels per module, so it decodes as a scanner would read the print.
    /// </summary>
    public static async Task<IPage> SignInForPrintingAsync(this BrowserStack browser, string user, string roles, string centres = "")
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = browser.Console, ViewportSize = BrowserStack.Desktop, DeviceScaleFactor = 4, Locale = "en-GB", TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/dev/sign-in?user={Uri.EscapeDataString(user)}&roles={Uri.EscapeDataString(roles)}&centres={Uri.EscapeDataString(centres)}");
        return page;
    }
}
