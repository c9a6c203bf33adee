using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// A request over the automatic quota waits for a supervisor, who approves it in Chinese; a refused request shows the
/// service's message next to the field it names and keeps what was typed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalTests(BrowserStack browser)
{
    [Fact]
    public async Task A_refused_request_keeps_the_form_and_an_over_quota_one_is_approved_by_a_supervisor_in_Chinese()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BA-{run}";
        var part = $"0232{run}";
        await browser.StockAsync(centre, part, $"SA{run}1", $"SA{run}2", $"SA{run}3", $"SA{run}4");

        var engineer = await browser.SignInAsync($"eng-{run}", "engineer", viewport: BrowserStack.Phone);
        await Expect(engineer.GetByRole(AriaRole.Heading, new() { Name = "My requests" })).ToBeVisibleAsync();
        await engineer.GetByRole(AriaRole.Link, new() { Name = "New request" }).Last.ClickAsync();
        await BrowserStack.PickAsync(engineer, "Spare-part centre", centre);
        await BrowserStack.PickAsync(engineer, "Part number", part);
        await engineer.GetByLabel("Service ticket").FillAsync($"TCK-{run}");
        await engineer.GetByLabel("Site", new() { Exact = true }).FillAsync("SITE-9");
        await engineer.GetByLabel("Quantity").FillAsync("0");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Request the part" }).ClickAsync();

        // Refused: the message in the summary and under the quantity; everything typed is still there; nothing was made.
        // The summary names the field in words; under the field, whose label names it, only what is wrong.
        await Expect(engineer.GetByRole(AriaRole.Alert).First).ToContainTextAsync("Quantity: must be greater than zero (was 0)");
        var quantityField = engineer.Locator(".mud-input-control").Filter(new() { Has = engineer.GetByLabel("Quantity") });
        await Expect(quantityField).ToContainTextAsync("must be greater than zero (was 0)");
        await Expect(quantityField).Not.ToContainTextAsync("quantity:");
        await Expect(engineer.GetByLabel("Spare-part centre")).ToHaveValueAsync(centre);
        await Expect(engineer.GetByLabel("Service ticket")).ToHaveValueAsync($"TCK-{run}");
        await Expect(engineer).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/requests/new$"));
        await BrowserStack.ScreenshotAsync(engineer, "engineer-new-request-refused-phone");

        // Three units: more than the automatic quota, so it waits for a supervisor.
        await engineer.GetByLabel("Quantity").FillAsync("3");
        await engineer.GetByRole(AriaRole.Button, new() { Name = "Request the part" }).ClickAsync();
        await engineer.WaitForURLAsync("**/requests/PR-*");
        var requestId = engineer.Url[(engineer.Url.LastIndexOf('/') + 1)..];
        await engineer.EvaluateAsync("() => { window.__sameDocument = true; }");
        await Expect(engineer.Locator("#request-state")).ToHaveTextAsync("Submitted");
        await Expect(engineer.GetByText("Waiting for a supervisor's approval: quantity 3 is above 2 per line")).ToBeVisibleAsync();
        // The timeline starts with the submission, not with an empty list.
        await Expect(engineer.Locator("#timeline > li")).ToHaveCountAsync(1);
        await Expect(engineer.Locator("#timeline > li").Last).ToContainTextAsync($"Submitted · ");
        await Expect(engineer.Locator("#timeline > li").Last).ToContainTextAsync($"by eng-{run}");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-request-waiting-phone");

        // The supervisor, whose browser asks for Chinese.
        var supervisor = await browser.SignInAsync($"sup-{run}", "supervisor", centre, locale: "zh-CN");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "待审批的申请" })).ToBeVisibleAsync();
        var waiting = supervisor.Locator($"[data-request='{requestId}']");
        await Expect(waiting).ToBeVisibleAsync();
        // Why it waits, in the supervisor's language, with the request's own figures.
        await Expect(waiting).ToContainTextAsync("数量 3 超过每行自动批准的上限 2");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-approvals-zh-desktop");
        await waiting.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(supervisor.Locator("#request-state")).ToHaveTextAsync("已提交");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-decide-zh-desktop");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Expect(supervisor.Locator("#timeline")).ToContainTextAsync($"操作人 sup-{run}");

        // The engineer's open page follows without reload, up to the reservation.
        await Expect(engineer.Locator("#request-state")).ToHaveTextAsync("Reserved");
        Assert.True(await engineer.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await Expect(engineer.Locator("#timeline")).ToContainTextAsync($"by sup-{run}");

        // The console switches language on request: the engineer's screen in Chinese.
        await engineer.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Expect(engineer.Locator("#request-state")).ToHaveTextAsync("已预留");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-request-zh-phone");
    }
}
