using Logistics.Testing;
using Microsoft.Playwright;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// Auditors and supervisors in the console: a serial's chain of custody after the main flow (set up through the REST
/// API), from one serial to the one that replaced it; an anomaly resolved by a supervisor with a note (a refusal first,
/// which changes nothing); the late and overdue work.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CustodyTests(BrowserStack browser)
{
    [Fact]
    public async Task An_auditor_follows_a_faulty_serial_to_the_good_one_that_replaced_it()
    {
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        await p.CustodyHasAsync(p.Faulty, 5);
        await p.CustodyHasAsync(p.Good, 4);

        var auditor = await browser.SignInAsync($"aud-{f.Id}", "auditor");
        await Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = "Anomalies" })).ToBeVisibleAsync(); // an auditor's start page
        await auditor.GotoAsync($"/serials/{p.Faulty}");
        await Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = $"Serial {p.Faulty}" })).ToBeVisibleAsync();
        await Expect(auditor.Locator("#holder")).ToHaveTextAsync($"centre:{f.Centre}");
        var timeline = auditor.Locator("#custody-timeline > li");
        await Expect(timeline).ToHaveCountAsync(5);
        Assert.Equal(["removing", "packing", "shipping", "receiving", "inspecting"],
            await timeline.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.step)"));
        // Who held it, where, condition, packaging, the business step and the record it came from.
        await Expect(timeline.Nth(0)).ToContainTextAsync($"equipment:EQ-{f.Id} → engineer:{f.Engineer}");
        await Expect(timeline.Nth(0)).ToContainTextAsync("Condition: needs replacement");
        await Expect(timeline.Nth(1)).ToContainTextAsync("in-good-part-packaging+esd-bag-sealed");
        await Expect(timeline.Nth(3)).ToContainTextAsync($"engineer:{f.Engineer} → centre:{f.Centre}");
        await Expect(timeline.Nth(4)).ToContainTextAsync("damaged");
        await Expect(timeline.Nth(2).GetByRole(AriaRole.Link, new() { Name = $"return:{p.ReturnId}" })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(auditor, "auditor-serial-faulty-desktop");

        // The good serial that replaced it, one click away; and back.
        await auditor.Locator("#replaced-by").GetByRole(AriaRole.Link, new() { Name = p.Good }).ClickAsync();
        await Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = $"Serial {p.Good}" })).ToBeVisibleAsync();
        await Expect(auditor.Locator("#custody-timeline > li")).ToHaveCountAsync(4);
        Assert.Equal(["receiving", "shipping", "receiving", "installing"],
            await auditor.Locator("#custody-timeline > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.step)"));
        await Expect(auditor.Locator("#holder")).ToHaveTextAsync($"equipment:EQ-{f.Id}");
        await Expect(auditor.Locator("#custody-timeline > li").Nth(1)).ToContainTextAsync($"centre:{f.Centre} → engineer:{f.Engineer}");
        await BrowserStack.ScreenshotAsync(auditor, "auditor-serial-good-desktop");
        await auditor.Locator("#replaced").GetByRole(AriaRole.Link, new() { Name = p.Faulty }).ClickAsync();
        await Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = $"Serial {p.Faulty}" })).ToBeVisibleAsync();

        // Its anomalies: the return arrived outside a sealed ESD bag. An auditor reads them and cannot resolve them.
        await auditor.GetByRole(AriaRole.Link, new() { Name = "Anomalies of this serial" }).ClickAsync();
        var row = auditor.Locator($"#anomalies tr[data-serial='{p.Faulty}']");
        await Expect(row).ToContainTextAsync("packaging not compliant");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Resolve {p.Faulty}" })).ToHaveCountAsync(0);
        await BrowserStack.ScreenshotAsync(auditor, "auditor-anomalies-desktop");
    }

    [Fact]
    public async Task A_supervisor_resolves_an_anomaly_with_a_note_after_a_refusal_that_changed_nothing()
    {
        var p = await ReturnedPart.InspectedAsync(browser.Stack);
        var f = p.Flow;
        await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={p.Faulty}")),
            a => a.GetProperty("anomalies").GetArrayLength() > 0, Settle, "the packaging anomaly");

        var supervisor = await browser.SignInAsync(f.Supervisor, "supervisor", f.Centre);
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Requests waiting for approval" })).ToBeVisibleAsync();
        await supervisor.GotoAsync("/anomalies");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Anomalies" })).ToBeVisibleAsync();
        // Filter by serial (the list is paged by the server; the filter goes to it).
        await supervisor.GetByLabel("Serial").FillAsync(p.Faulty);
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        var row = supervisor.Locator($"#anomalies tr[data-serial='{p.Faulty}']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("packaging not compliant");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-anomalies-desktop");

        // An auditor has the serial's anomalies open meanwhile: the resolution reaches their page without a reload.
        var auditor = await browser.SignInAsync($"aud-{f.Id}", "auditor");
        await auditor.GotoAsync($"/anomalies?serial={Uri.EscapeDataString(p.Faulty)}");
        var watched = auditor.Locator($"#anomalies tr[data-serial='{p.Faulty}']");
        await Expect(watched).ToHaveCountAsync(1);
        await auditor.EvaluateAsync("() => { window.__sameDocument = true; }");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Resolve {p.Faulty}" }).ClickAsync();
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Record the resolution" }).ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Alert).Filter(new() { HasText = "note: is required" })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-resolve-refused-desktop");
        var stillOpen = await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={p.Faulty}&state=resolved"));
        Assert.Equal(0, stillOpen.GetProperty("anomalies").GetArrayLength());

        const string note = "Bag seal checked with the engineer: taped over by the courier; briefed the team";
        await supervisor.GetByLabel("What was found and done").FillAsync(note);
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Record the resolution" }).ClickAsync();
        await Expect(row.Locator(".resolution")).ToContainTextAsync($"Resolved by {f.Supervisor}");
        await Expect(row.Locator(".resolution")).ToContainTextAsync(note);
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-anomaly-resolved-desktop");
        await Expect(watched.Locator(".resolution")).ToContainTextAsync($"Resolved by {f.Supervisor}");
        Assert.True(await auditor.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the auditor's page was reloaded");

        // Recorded by the custody service, for everyone who reads it: the auditor's REST read has the resolution.
        var resolved = await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={p.Faulty}&state=resolved"));
        var anomaly = resolved.GetProperty("anomalies").EnumerateArray().Single();
        Assert.Equal((f.Supervisor, note), (Text(anomaly.GetProperty("resolution"), "resolvedBy"), Text(anomaly.GetProperty("resolution"), "note")));
        Assert.Equal(0, (await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={p.Faulty}&state=open"))).GetProperty("anomalies").GetArrayLength());

        // The late and overdue work of the supervisor's centre.
        await supervisor.GotoAsync("/late");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Late requests" })).ToBeVisibleAsync();
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Overdue and unreturned returns by engineer" })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-late-desktop");
    }
}
