using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// An admin in the console's dead-letters page: an event two services could not apply (the services' test-only drill
/// refuses it) is listed per service; after the fix it is replayed at one service and applied, and discarded at the other
/// with a reason (a discard without one is refused first and changes nothing). Others see no link to the page. In
/// English and in Chinese.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeadLetterTests(BrowserStack browser)
{
    private async Task<string> DeadLetteredEventAsync(HttpClient admin, string partNumber)
    {
        browser.Stack.FailEventsContaining(partNumber);
        (await admin.PutAsJsonAsync($"/api/v1/parts/{partNumber}", new { description = "Dead-letter drill board", serialized = true })).EnsureSuccessStatusCode();
        string eventId = "";
        foreach (var service in new[] { "requests", "doa" })
        {
            var letter = await Eventually.Until(async () =>
                {
                    var list = await Ok(await admin.GetAsync($"/api/v1/services/{service}/dead-letters?state=waiting&pageSize=500"));
                    return list.TryGetProperty("deadLetters", out var letters)
                        ? letters.EnumerateArray().Where(l => Text(l, "data").Contains(partNumber, StringComparison.Ordinal)).Select(l => (JsonElement?)l).FirstOrDefault()
                        : null;
                }, l => l is not null, Settle, $"{service}'s dead letter of part {partNumber}");
            eventId = Text(letter!.Value, "eventId");
        }
        return eventId;
    }

    [Fact]
    public async Task An_admin_replays_a_dead_letter_after_the_fix_and_discards_another_with_a_reason()
    {
        var partNumber = "BDL" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();
        using var admin = await browser.Stack.RestAsAsync("browser-dl-admin", "admin");
        using var engineer = await browser.Stack.RestAsAsync("browser-dl-eng", "engineer");
        var eventId = await DeadLetteredEventAsync(admin, partNumber);

        var page = await browser.SignInAsync("dl-admin", "admin");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" })).ToHaveAttributeAsync("href", "/admin/dead-letters");
        await page.GotoAsync("/admin/dead-letters");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dead letters" })).ToBeVisibleAsync();
        await Expect(page.Locator("#dead-letter-services [data-service='requests']")).ToHaveAttributeAsync("aria-pressed", "true");
        var row = page.Locator($"#dead-letters tr[data-event='{eventId}']");
        await Expect(row).ToContainTextAsync("part-catalogued");
        await Expect(row).ToContainTextAsync("test drill");
        await Expect(page.Locator("#dead-letter-services [data-service='doa'] [data-waiting]")).Not.ToHaveTextAsync("(0 waiting)");
        await row.Locator("summary").ClickAsync();
        await Expect(row.Locator(".event-data")).ToContainTextAsync(partNumber);
        await BrowserStack.ScreenshotAsync(page, "admin-dead-letters-desktop");

        // The fix, then the replay: the part reaches requests.
        browser.Stack.StopFailingEventsContaining(partNumber);
        await row.GetByRole(AriaRole.Button, new() { Name = $"Replay {eventId}" }).ClickAsync();
        await Expect(row.Locator(".decision")).ToContainTextAsync("Replayed by dl-admin");
        await Expect(row.Locator(".decision")).ToContainTextAsync("Applied");
        Assert.Equal(HttpStatusCode.OK, (await engineer.GetAsync($"/api/v1/requestable-parts/{partNumber}")).StatusCode);

        // At doa: discard, a reason first left out (refused, nothing changed), then given.
        await page.Locator("#dead-letter-services [data-service='doa']").ClickAsync();
        var doaRow = page.Locator($"#dead-letters tr[data-event='{eventId}']");
        await doaRow.GetByRole(AriaRole.Button, new() { Name = $"Discard {eventId}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Discard dead letter" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Discard", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("is required");
        await BrowserStack.ScreenshotAsync(page, "admin-dead-letter-discard-refused-desktop");
        Assert.Equal("waiting", await browser.Stack.ScalarAsync<string>(
            "SELECT state FROM doa.dead_letters WHERE event_id = $1", eventId));
        await dialog.GetByLabel("Reason").FillAsync("Drill event; the board was catalogued by mistake.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Discard", Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(doaRow.Locator(".decision")).ToContainTextAsync("Discarded by dl-admin");
        await Expect(doaRow.Locator(".reason")).ToHaveTextAsync("Drill event; the board was catalogued by mistake.");
        Assert.Equal(("discarded", "dl-admin"), (await browser.Stack.ScalarAsync<string>("SELECT state FROM doa.dead_letters WHERE event_id = $1", eventId),
            await browser.Stack.ScalarAsync<string>("SELECT decided_by FROM doa.dead_letters WHERE event_id = $1", eventId)));

        // The replayed ones, in Chinese.
        var chinese = await browser.SignInAsync("dl-admin-zh", "admin", locale: "zh-CN");
        await chinese.GotoAsync("/admin/dead-letters?service=requests&state=replayed");
        await Expect(chinese.GetByRole(AriaRole.Heading, new() { Name = "死信" })).ToBeVisibleAsync();
        await Expect(chinese.Locator($"#dead-letters tr[data-event='{eventId}'] .decision")).ToContainTextAsync("由 dl-admin 于");
        await BrowserStack.ScreenshotAsync(chinese, "admin-dead-letters-zh-desktop");
    }

    [Fact]
    public async Task Only_admins_have_the_dead_letters_link()
    {
        var supervisor = await browser.SignInAsync("dl-sup", "supervisor", "DL-C1");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Requests waiting for approval" })).ToBeVisibleAsync();
        await Expect(supervisor.GetByRole(AriaRole.Link, new() { Name = "Dead letters" })).ToHaveCountAsync(0);
        var admin = await browser.SignInAsync("dl-admin2", "admin");
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Dead letters" })).ToHaveAttributeAsync("href", "/admin/dead-letters");
        // The page itself is for admins only, whatever the address bar says.
        var answer = await supervisor.APIRequest.GetAsync("/admin/dead-letters");
        // Refused without showing the page: the session sends a signed-in supervisor to "not for your role".
        Assert.Equal("/not-allowed", new Uri(answer.Url).AbsolutePath);
        Assert.DoesNotContain("Dead letters", await answer.TextAsync());
    }
}
