using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The work inbox: a supervisor's badge counts up as over-quota requests arrive and down as they are approved, on the
/// open page without reload; read and done marks survive a new sign-in. An open anomaly waits for supervisors until
/// one of them resolves it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InboxTests(BrowserStack browser)
{
    [Fact]
    public async Task The_badge_counts_work_as_it_arrives_and_is_done_and_the_marks_outlive_the_session()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BI-{run}";
        var part = $"0233{run}";
        await browser.StockAsync(centre, part, $"SI{run}1", $"SI{run}2", $"SI{run}3", $"SI{run}4");
        var supervisorId = $"sup-{run}";

        var supervisor = await browser.SignInAsync(supervisorId, "supervisor", centre);
        var badge = supervisor.Locator("[data-inbox-count]");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Requests waiting for approval" })).ToBeVisibleAsync();
        await badge.GetByRole(AriaRole.Link).ClickAsync(); // the badge in the app bar leads to the inbox
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Inbox" })).ToBeVisibleAsync();
        // Anomalies of other tests may wait for every supervisor too: count from what is there now.
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", new System.Text.RegularExpressions.Regex(@"^\d+$"));
        var before = int.Parse((await badge.GetAttributeAsync("data-inbox-count"))!);
        if (before == 0) await Expect(supervisor.Locator("[data-inbox-empty]")).ToContainTextAsync("Nothing waits for you");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-inbox-desktop-before");
        await supervisor.EvaluateAsync("() => { window.__sameDocument = true; }");

        // An engineer asks for more than the automatic quota: it waits for the supervisor, whose badge goes up.
        using var engineer = await browser.Stack.RestAsAsync($"eng-{run}", "engineer");
        var first = await RequestOverQuotaAsync(engineer, centre, part, $"TCK-{run}-1");
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", (before + 1).ToString());
        var firstItem = supervisor.Locator($"[data-inbox-item='approval:{first}']");
        await Expect(firstItem).ToContainTextAsync("Request to approve");
        await Expect(firstItem).ToContainTextAsync("new");
        await Expect(badge).ToContainTextAsync((before + 1).ToString());

        var second = await RequestOverQuotaAsync(engineer, centre, part, $"TCK-{run}-2");
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", (before + 2).ToString());
        var secondItem = supervisor.Locator($"[data-inbox-item='approval:{second}']");
        await Expect(secondItem).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-inbox-desktop");

        // Read: the item stays (it still waits), no longer "new". Done: hidden by this user, the badge goes down.
        await firstItem.GetByRole(AriaRole.Button, new() { Name = $"Mark read: {first}" }).ClickAsync();
        await Expect(firstItem).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bread\b"));
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", (before + 2).ToString());
        await secondItem.GetByRole(AriaRole.Button, new() { Name = "Done, hide it" }).ClickAsync();
        await Expect(secondItem).ToHaveCountAsync(0);
        await Expect(supervisor.Locator($"[data-inbox-hidden='approval:{second}']")).ToBeVisibleAsync();
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", (before + 1).ToString());

        // The work is done: the supervisor approves the first from its page; the badge goes down without reload.
        await supervisor.ScreenshotAsync(new() { Path = Path.Combine(BrowserStack.ScreenshotsDir, "supervisor-inbox-desktop-one-hidden.png"), FullPage = true });
        await Expect(firstItem).ToBeVisibleAsync();
        await supervisor.Locator($"a[href='/requests/{first}']").ClickAsync();
        await Expect(supervisor.Locator("#request-state")).ToHaveTextAsync("Submitted");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", before.ToString());
        Assert.True(await supervisor.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

        // A new sign-in (another browser, same user): the hidden item is still hidden, the first is gone for good.
        await supervisor.Context.CloseAsync();
        var again = await browser.SignInAsync(supervisorId, "supervisor", centre);
        await again.GotoAsync("/inbox");
        await Expect(again.Locator($"[data-inbox-hidden='approval:{second}']")).ToBeVisibleAsync();
        await Expect(again.Locator($"[data-inbox-item='approval:{second}']")).ToHaveCountAsync(0);
        await Expect(again.Locator($"[data-inbox-item='approval:{first}']")).ToHaveCountAsync(0);
        await Expect(again.Locator("[data-inbox-count]")).ToHaveAttributeAsync("data-inbox-count", before.ToString());

        // Put back: it waits again, unread.
        await again.Locator($"[data-inbox-hidden='approval:{second}']").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(again.Locator($"[data-inbox-item='approval:{second}']")).ToContainTextAsync("new");
        await Expect(again.Locator("[data-inbox-count]")).ToHaveAttributeAsync("data-inbox-count", (before + 1).ToString());
        await BrowserStack.ScreenshotAsync(again, "supervisor-inbox-desktop-after");

        // The same inbox in Chinese, for a warehouse user of the centre with nothing to ship soon: the empty state.
        var warehouse = await browser.SignInAsync($"wh-{run}", "warehouse", $"BI-EMPTY-{run}", locale: "zh-CN");
        await warehouse.GotoAsync("/inbox");
        await Expect(warehouse.Locator("[data-inbox-empty]")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-inbox-empty-zh-desktop");
        await warehouse.Context.CloseAsync();
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task An_open_anomaly_waits_in_the_inbox_and_leaves_it_when_a_supervisor_resolves_it()
    {
        // Set-up through the REST API: a faulty part returned outside a sealed ESD bag (a packaging anomaly).
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        var anomalies = await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={p.Faulty}&state=open")),
            a => a.GetProperty("anomalies").GetArrayLength() > 0, Settle, "the packaging anomaly");
        var anomalyId = Text(anomalies.GetProperty("anomalies")[0], "anomalyId");

        var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre);
        await supervisor.GotoAsync("/inbox");
        var item = supervisor.Locator($"[data-inbox-item='anomaly:{anomalyId}']");
        await Expect(item).ToContainTextAsync(p.Faulty);
        var badge = supervisor.Locator("[data-inbox-count]");
        // Other tests' work may wait for every supervisor too: count from what is there now.
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", new System.Text.RegularExpressions.Regex(@"^[1-9]\d*$"));
        var before = int.Parse((await badge.GetAttributeAsync("data-inbox-count"))!);
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-inbox-anomaly-desktop");
        await supervisor.EvaluateAsync("() => { window.__sameDocument = true; }");

        // Another supervisor resolves it (their step, through the REST API): it leaves this inbox without reload.
        using var other = await browser.Stack.RestAsAsync($"sup2-{f.Id}", ["supervisor"], [f.Centre]);
        await Ok(await other.PostAsJsonAsync($"/api/v1/custody/anomalies/{anomalyId}:resolve", new { note = "Seal taped over by the courier" }));
        await Expect(item).ToHaveCountAsync(0);
        await Expect(badge).ToHaveAttributeAsync("data-inbox-count", (before - 1).ToString());
        Assert.True(await supervisor.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await supervisor.Context.CloseAsync();
    }

    private static async Task<string> RequestOverQuotaAsync(HttpClient engineer, string centre, string part, string ticket)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/part-requests")
        {
            Content = JsonContent.Create(new { ticketId = ticket, siteId = "SITE-9", centreId = centre, partNumber = part, quantity = 3, serviceLevel = "7x24x4" }),
        };
        post.Headers.Add("Idempotency-Key", ticket);
        var response = await engineer.SendAsync(post);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Submitted", body.GetProperty("state").GetString());
        return body.GetProperty("requestId").GetString()!;
    }
}
