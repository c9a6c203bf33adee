using System.Net.Http.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// A unit dead on unboxing, from the claim to Closed, by two delivery managers on desktops: one files it from the delivered
/// request (only its unit offered) and adds a photo (a bad file and one too large are refused with the service's message
/// and store nothing), the filer's own approval is refused, the other approves; the replacement and the dead unit's return
/// (set-up steps of other people, through the REST API) move the filer's open page live until it shows Closed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DoaClaimTests(BrowserStack browser)
{
    /// <summary>A real 48×32 PNG (two colour halves), so the thumbnail is drawn.</summary>
    private static readonly byte[] Photo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAANElEQVR4nO3OQQkAAAgEMJOYxP5cLEuIr8ECrDJ9oicnSkhISEhISEhISEhISEhISEjoM7RuRMxbtDhLjQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_dead_unit_is_claimed_with_a_photo_decided_by_another_manager_and_followed_to_closed()
    {
        var stack = browser.Stack;
        using var f = await StockedAsync(stack);
        var (requestId, dead) = await f.DeliveredRequestAsync();
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.deliveries WHERE serial = $1", dead) == 1,
            Settle, "doa knows the delivery");

        // The first delivery manager files the claim from the delivered request.
        var filer = await browser.SignInAsync($"dm-{f.Id}", "delivery-manager");
        await filer.GotoAsync("/doa-claims");
        await Expect(filer.GetByRole(AriaRole.Heading, new() { Name = "DOA claims" })).ToBeVisibleAsync();
        await Expect(filer.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0); // the queue has been read
        await BrowserStack.ScreenshotAsync(filer, "dm-claims-queue-desktop");
        await filer.GetByRole(AriaRole.Link, new() { Name = "File a DOA claim" }).ClickAsync();
        await filer.GetByLabel("Request", new() { Exact = true }).FillAsync(requestId);
        await filer.GetByRole(AriaRole.Button, new() { Name = "Find its units" }).ClickAsync();
        // Only the unit delivered on that request is offered (the others are still on the shelf).
        await Expect(filer.Locator("#claim-unit").GetByRole(AriaRole.Radio)).ToHaveCountAsync(1);
        await Expect(filer.Locator("#claim-unit")).ToContainTextAsync(dead);
        await filer.GetByLabel("Symptom").FillAsync("no power on unboxing");
        await filer.GetByRole(AriaRole.Button, new() { Name = "File the claim" }).ClickAsync();
        // Refused: the outer packaging was not said; the message next to it, nothing filed, the form kept.
        await Expect(filer.Locator("#outer-packaging")).ToContainTextAsync("is required");
        await Expect(filer.GetByRole(AriaRole.Alert).First).ToContainTextAsync("Outer packaging intact: is required");
        await Expect(filer.GetByLabel("Symptom")).ToHaveValueAsync("no power on unboxing");
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_claims WHERE serial = $1", dead));
        await BrowserStack.ScreenshotAsync(filer, "dm-file-claim-refused-desktop");
        await filer.GetByText("Intact (a dead unit: DOA)").ClickAsync();
        await filer.GetByRole(AriaRole.Button, new() { Name = "File the claim" }).ClickAsync();
        await filer.WaitForURLAsync("**/doa-claims/DOA-*");
        var claimId = filer.Url[(filer.Url.LastIndexOf('/') + 1)..];
        await Expect(filer.Locator("#claim-state")).ToHaveTextAsync("Filed");
        await Expect(filer.Locator("#claim-rule")).ToContainTextAsync("Window: 48 h from the delivery");
        await Expect(filer.Locator("#claim-rule")).ToContainTextAsync("inside");
        await filer.EvaluateAsync("() => { window.__sameDocument = true; }");

        // A file that is not a photo, whatever its name, and one over 10 MiB: refused with the message, nothing stored.
        // The input is enabled once the browser has wired it to the page and no upload is under way; a file's bytes
        // cross the page's connection and then the gateway, so a large one is given longer on a busy machine.
        var input = filer.Locator("#evidence-file");
        var upload = new LocatorAssertionsToContainTextOptions { Timeout = 90_000 };
        await Expect(input).ToBeEnabledAsync();
        await input.SetInputFilesAsync(new FilePayload { Name = "photo.jpg", MimeType = "image/jpeg", Buffer = "<html>not a photo</html>"u8.ToArray() });
        await Expect(filer.Locator("#evidence-problem")).ToContainTextAsync("photo.jpg is not a JPEG, PNG or PDF file");
        await BrowserStack.ScreenshotAsync(filer, "dm-evidence-refused-desktop");
        await Expect(input).ToBeEnabledAsync();
        var huge = new byte[10 * 1024 * 1024 + 1];
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(huge, 0);
        await input.SetInputFilesAsync(new FilePayload { Name = "huge.jpg", MimeType = "image/jpeg", Buffer = huge }, new() { Timeout = 90_000 });
        await Expect(filer.Locator("#evidence-problem")).ToContainTextAsync("huge.jpg is larger than 10 MiB", upload);
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_evidence WHERE claim_id = $1", claimId));
        Assert.Empty((await Ok(await f.Dm.GetAsync($"/api/v1/doa-claims/{claimId}"))).TryGetProperty("evidence", out var none) ? none.EnumerateArray() : []);

        // A photo and a 3 MiB PDF report (more than one gateway request body: it goes in chunks): listed, the photo as a thumbnail.
        await Expect(input).ToBeEnabledAsync();
        await input.SetInputFilesAsync(new FilePayload { Name = "unboxing.png", MimeType = "image/png", Buffer = Photo });
        var thumbnail = filer.Locator("#evidence img[alt='unboxing.png']");
        await Expect(thumbnail).ToBeVisibleAsync();
        await Expect(filer.Locator("#evidence-problem")).ToHaveCountAsync(0);
        await filer.WaitForFunctionAsync("() => { const i = document.querySelector(\"#evidence img[alt='unboxing.png']\"); return i && i.complete && i.naturalWidth === 48; }");
        var report = new byte[3 * 1024 * 1024];
        "%PDF-1.7\n"u8.ToArray().CopyTo(report, 0);
        await Expect(input).ToBeEnabledAsync();
        await input.SetInputFilesAsync(new FilePayload { Name = "unboxing-report.pdf", MimeType = "application/pdf", Buffer = report }, new() { Timeout = 90_000 });
        await Expect(filer.Locator("#evidence").GetByRole(AriaRole.Link, new() { Name = "Download unboxing-report.pdf" })).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.Equal(2, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_evidence WHERE claim_id = $1", claimId));
        await BrowserStack.ScreenshotAsync(filer, "dm-claim-with-evidence-desktop");

        // Downloads answer the bytes with the type read from the content, under the file's name.
        var href = await filer.Locator("#evidence").GetByRole(AriaRole.Link, new() { Name = "Download unboxing.png" }).GetAttributeAsync("href");
        var download = await filer.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        Assert.Equal("image/png", download.Headers["content-type"]);
        Assert.Contains("unboxing.png", download.Headers["content-disposition"]);
        Assert.Equal(Photo, await download.BodyAsync());
        var pdfHref = await filer.Locator("#evidence").GetByRole(AriaRole.Link, new() { Name = "Download unboxing-report.pdf" }).GetAttributeAsync("href");
        var pdf = await filer.APIRequest.GetAsync(pdfHref!);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        Assert.Equal(report.Length, (await pdf.BodyAsync()).Length);

        // The filer cannot decide: the service's refusal is shown, the claim stays Filed.
        await filer.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(filer.Locator("#decision").GetByRole(AriaRole.Alert)).ToContainTextAsync("cannot approve it; another delivery manager decides");
        await Expect(filer.Locator("#claim-state")).ToHaveTextAsync("Filed");
        await BrowserStack.ScreenshotAsync(filer, "dm-own-approval-refused-desktop");

        // The second delivery manager finds it first in the queue (waiting for a decision) and approves.
        var approver = await browser.SignInAsync($"dm2-{f.Id}", "delivery-manager");
        await approver.GotoAsync("/doa-claims");
        await approver.GetByLabel("Part number").FillAsync(f.Part);
        await approver.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        var row = approver.Locator($"#claims tr[data-claim='{claimId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(approver.Locator("#claims tbody tr")).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(approver.Locator("#evidence img[alt='unboxing.png']")).ToBeVisibleAsync();
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(approver.Locator("#decided")).ToContainTextAsync($"Approved by dm2-{f.Id}");
        await Expect(approver.Locator("#evidence-file")).ToHaveCountAsync(0); // evidence is for the decision
        await BrowserStack.ScreenshotAsync(approver, "dm-claim-approved-desktop");

        // Other people's steps (set-up, not under test here): the replacement is shipped and signed for, the dead unit comes back.
        var replacementId = "doa-" + claimId;
        await f.RequestInStateAsync(replacementId, "Reserved");
        var spare = await f.FreeSerialAsync();
        await f.ShipAsync(replacementId, spare);
        await Eventually.Until(async () => (await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("carrier-to-site", replacementId, [spare]))).IsSuccessStatusCode,
            Settle, "the replacement signed for at the site");
        await Expect(filer.Locator("#replacement")).ToContainTextAsync(spare);
        var returnId = Text(await Eventually.Until(async () =>
            {
                var list = await Ok(await f.Sup.GetAsync($"/api/v1/returns?engineerId={f.Engineer}"));
                return list.GetProperty("returns").EnumerateArray().FirstOrDefault(r => Text(r, "doaClaimId") == claimId);
            }, r => r.ValueKind == System.Text.Json.JsonValueKind.Object, Settle, "the dead-unit return opened"), "returnId");
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(claimId, dead, categoryCode: "F003")));
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "DOA-BACK-" + f.Id }));
        await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [dead]))).IsSuccessStatusCode,
            Settle, "the centre signs for the dead unit");
        await Expect(filer.Locator("#claim-state")).ToHaveTextAsync("UnitReturned");

        // The centre's warehouse inspects the dead unit from its return (it does not read claims); no result chosen is
        // refused and changes nothing.
        var warehouse = await browser.SignInAsync(f.WarehouseUser, "warehouse", f.Centre);
        await warehouse.GotoAsync($"/returns/{returnId}");
        await Expect(warehouse.Locator("#doa-claim")).ToContainTextAsync(claimId);
        var inspect = warehouse.Locator("#inspect-dead-unit");
        await inspect.GetByRole(AriaRole.Button, new() { Name = "Record the inspection" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Alert).Filter(new() { HasText = "is not an inspection result" })).ToBeVisibleAsync();
        Assert.Equal("UnitReturned", Text(await Ok(await f.Dm.GetAsync($"/api/v1/doa-claims/{claimId}")), "state"));
        await Expect(filer.Locator("#claim-state")).ToHaveTextAsync("UnitReturned");
        await inspect.GetByRole(AriaRole.Radio, new() { Name = "confirmed DOA" }).CheckAsync();
        await warehouse.GetByLabel("Note").FillAsync("PSU dead");
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-dead-unit-inspection-desktop");
        await inspect.GetByRole(AriaRole.Button, new() { Name = "Record the inspection" }).ClickAsync();
        await Expect(warehouse.GetByRole(AriaRole.Status)).ToContainTextAsync("the DOA claim is closed");
        await Expect(warehouse.Locator("#return-state")).ToHaveTextAsync("Closed");
        await Expect(warehouse.Locator("#inspect-dead-unit")).ToHaveCountAsync(0);

        // The filer's page followed every step without a reload, to Closed, with the whole story.
        await Expect(filer.Locator("#claim-state")).ToHaveTextAsync("Closed");
        Assert.True(await filer.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await Expect(filer.Locator("#inspection")).ToContainTextAsync("Inspection: confirmed DOA");
        await Expect(filer.Locator("#replacement").GetByRole(AriaRole.Link, new() { Name = replacementId })).ToHaveAttributeAsync("href", $"/requests/{replacementId}");
        await Expect(filer.Locator("#dead-unit").GetByRole(AriaRole.Link, new() { Name = returnId })).ToBeVisibleAsync();
        await Expect(filer.Locator("#history li")).ToHaveCountAsync(7); // filed, approved, shipped, received, returned, inspected, closed
        await BrowserStack.ScreenshotAsync(filer, "dm-claim-closed-desktop");

        // The links lead to the replacement request and the dead unit's return, which a delivery manager may read.
        await filer.Locator("#replacement").GetByRole(AriaRole.Link, new() { Name = replacementId }).ClickAsync();
        await Expect(filer.Locator("#request-state")).ToHaveTextAsync("Delivered");
        await BrowserStack.ScreenshotAsync(filer, "dm-replacement-request-desktop");
        await filer.GoBackAsync();
        await filer.Locator("#dead-unit").GetByRole(AriaRole.Link, new() { Name = returnId }).ClickAsync();
        await Expect(filer.Locator("#return-state")).ToHaveTextAsync("Closed");
        await BrowserStack.ScreenshotAsync(filer, "dm-dead-unit-return-desktop");

        // The queue in Chinese: the finished claim after the waiting ones, its state in Chinese.
        var chinese = await browser.SignInAsync($"dm3-{f.Id}", "delivery-manager", locale: "zh-CN");
        await chinese.GotoAsync("/doa-claims");
        await chinese.GetByLabel("备件编码").FillAsync(f.Part);
        await chinese.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(chinese.Locator($"#claims tr[data-claim='{claimId}']")).ToContainTextAsync("已关闭");
        await BrowserStack.ScreenshotAsync(chinese, "dm-claims-queue-zh-desktop");

        // A refusal from the shared checks reads in Chinese too: the field by its label, the reason with its figures.
        await chinese.GotoAsync("/dashboards/returns?from=2026-13-01");
        await Expect(chinese.GetByRole(AriaRole.Alert)).ToContainTextAsync("收货起始日: “2026-13-01”不是日期（yyyy-MM-dd）");
        await Expect(chinese.Locator(".mud-input-control").Filter(new() { Has = chinese.Locator("#filter-from") }))
            .ToContainTextAsync("“2026-13-01”不是日期（yyyy-MM-dd）");
        await BrowserStack.ScreenshotAsync(chinese, "dm-dashboard-refused-zh-desktop");
    }
}
