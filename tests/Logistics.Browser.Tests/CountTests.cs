using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// A blind stock count through the console: one counter scans a bin and finds a serial missing, the count goes to a
/// recount by someone else, a supervisor who counted is refused, another supervisor approves with a reason, and the
/// stock, the serials by bin and the movements ledger follow.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CountTests(BrowserStack browser)
{
    [Fact]
    public async Task A_blind_count_with_a_variance_is_recounted_by_another_counter_approved_and_the_stock_follows()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var centre = $"BC-{run}";
        var part = $"0234{run}";
        var (s1, s2, s3) = ($"SC{run}1", $"SC{run}2", $"SC{run}3");
        await browser.StockAsync(centre, part, s1, s2, s3);

        // The first counter opens a count of bin A-01 from the centre's (empty) list of counts.
        var first = await browser.SignInAsync($"wh1-{run}", "warehouse", centre);
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Ship and receive" })).ToBeVisibleAsync();
        await Expect(first.GetByRole(AriaRole.Link, new() { Name = "Stock counts" })).ToHaveAttributeAsync("href", "/warehouse/counts");
        await first.GotoAsync("/warehouse/counts");
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Stock counts" })).ToBeVisibleAsync();
        await Expect(first.GetByText("No counts here yet. Open one above")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(first, "warehouse-counts-desktop");
        await first.GetByRole(AriaRole.Button, new() { Name = "Open count" }).ClickAsync();
        await Expect(first.Locator("fieldset.count-bins [role=alert]")).ToContainTextAsync("bins"); // nothing chosen: refused at the bins
        await first.GetByLabel("A-01").CheckAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Open count" }).ClickAsync();
        await first.WaitForURLAsync("**/warehouse/counts/CNT-*");
        var countId = first.Url[(first.Url.LastIndexOf('/') + 1)..];

        // The blind sheet: the line, no expected quantity. Each scan + Enter adds a serial; Enter submits nothing.
        var line = first.Locator($"[data-line='(A-01, {part})']");
        await Expect(line).ToContainTextAsync("To count");
        await Expect(line).Not.ToContainTextAsync("xpected");
        await Expect(first.Locator("body")).Not.ToContainTextAsync(s3);
        var scanner = first.GetByRole(AriaRole.Textbox, new() { Name = $"Serials in A-01 of {part}", Exact = true });
        foreach (var serial in new[] { s1, s2, s1 })
        {
            await scanner.FillAsync(serial);
            await scanner.PressAsync("Enter");
        }
        await Expect(line.Locator(".scan-list li")).ToHaveCountAsync(2);
        await Expect(line.GetByText($"{s1} is already in the list")).ToBeVisibleAsync();
        await Expect(line.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "to-count");
        await BrowserStack.ScreenshotAsync(first, "warehouse-count-sheet-desktop");
        await first.GetByRole(AriaRole.Button, new() { Name = "Submit counted lines (1)" }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Status).Filter(new() { HasText = "recorded" })).ToContainTextAsync("1 line(s) recorded");
        await Expect(line.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "counted");
        await Expect(line).ToContainTextAsync("Your count: 2");
        await first.GetByRole(AriaRole.Button, new() { Name = "Close the count" }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Status).Filter(new() { HasText = "Closed" })).ToContainTextAsync("1 line(s) need a recount by someone else");
        await Expect(line).ToContainTextAsync("You counted this line first: another counter recounts it.");
        await Expect(line.GetByRole(AriaRole.Textbox)).ToHaveCountAsync(0);

        // The recount queue does not offer the first counter their own line.
        await first.GotoAsync("/warehouse/recounts");
        await Expect(first.Locator("#recounts-not-yours")).ToContainTextAsync(countId);
        await Expect(first.GetByText("Nothing to recount for you.")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(first, "warehouse-recounts-own-line-desktop");

        // Another counter finds it in their inbox, takes it from the queue and recounts it: the same two serials.
        var second = await browser.SignInAsync($"wh2-{run}", "warehouse", centre);
        await second.GotoAsync("/inbox");
        await Expect(second.Locator($"[data-inbox-item='count:{countId}:Recounting']")).ToBeVisibleAsync();
        await second.GotoAsync("/warehouse/recounts");
        await second.GetByRole(AriaRole.Link, new() { Name = $"Recount in {countId}" }).ClickAsync();
        await second.WaitForURLAsync($"**/warehouse/counts/{countId}");
        var recountLine = second.Locator($"[data-line='(A-01, {part})']");
        await Expect(recountLine).ToContainTextAsync($"Counted by wh1-{run}");
        await Expect(recountLine).Not.ToContainTextAsync("Your count");
        var recountScanner = second.GetByRole(AriaRole.Textbox, new() { Name = $"Serials in A-01 of {part}", Exact = true });
        foreach (var serial in new[] { s2, s1 })
        {
            await recountScanner.FillAsync(serial);
            await recountScanner.PressAsync("Enter");
        }
        await BrowserStack.ScreenshotAsync(second, "warehouse-recount-sheet-desktop");
        await second.GetByRole(AriaRole.Button, new() { Name = "Submit counted lines (1)" }).ClickAsync();
        await Expect(recountLine.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "recounted");
        await second.GetByRole(AriaRole.Button, new() { Name = "Close the count" }).ClickAsync();
        await Expect(second.GetByRole(AriaRole.Status).Filter(new() { HasText = "Closed" })).ToContainTextAsync("ready for a supervisor's review");

        // A supervisor who also counted sees the variance but is refused the approval, on screen, and nothing changes.
        var counterSupervisor = await browser.SignInAsync($"wh1-{run}", "warehouse,supervisor", centre);
        await counterSupervisor.GotoAsync($"/counts/{countId}/review");
        await Expect(counterSupervisor.GetByText("You counted lines of this count")).ToBeVisibleAsync();
        await counterSupervisor.GetByRole(AriaRole.Button, new() { Name = "Approve and post adjustments" }).ClickAsync();
        await Expect(counterSupervisor.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Not done" })).ToContainTextAsync("nobody approves their own count");
        await Expect(counterSupervisor.Locator("[data-state]").First).ToHaveAttributeAsync("data-state", "ReadyToReview");

        // The supervisor: the count waits for review; expected 3, counted 2, S3 missing; approved with a reason.
        var supervisor = await browser.SignInAsync($"sup-{run}", "supervisor", centre);
        await supervisor.GotoAsync("/inbox");
        var reviewItem = supervisor.Locator($"[data-inbox-item='count:{countId}:ReadyToReview']");
        await Expect(reviewItem).ToBeVisibleAsync();
        await Expect(supervisor.GetByRole(AriaRole.Link, new() { Name = "Count reviews" })).ToHaveAttributeAsync("href", "/counts/reviews");
        await supervisor.GotoAsync("/counts/reviews");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Counts waiting for review" })).ToBeVisibleAsync();
        await Expect(supervisor.Locator($"[data-count='{countId}']")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-count-reviews-desktop");
        await supervisor.GetByRole(AriaRole.Link, new() { Name = $"Review {countId}" }).ClickAsync();
        var reviewed = supervisor.Locator($"#review tr[data-line='(A-01, {part})'] td");
        await Expect(reviewed.Nth(2)).ToHaveTextAsync("3");
        await Expect(reviewed.Nth(3)).ToHaveTextAsync("2");
        await Expect(reviewed.Nth(4)).ToHaveTextAsync("-1");
        await Expect(reviewed.Nth(5)).ToContainTextAsync(s3);
        await Expect(reviewed.Nth(7)).ToContainTextAsync($"wh1-{run} → wh2-{run}");
        await supervisor.GetByLabel($"Reason for {part} in A-01").SelectOptionAsync("damaged");
        await BrowserStack.ScreenshotAsync(supervisor, "supervisor-count-review-desktop");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Approve and post adjustments" }).ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Status).Filter(new() { HasText = "Approved" })).ToContainTextAsync("1 adjustment(s) posted");
        await Expect(supervisor.Locator("[data-state]").First).ToHaveAttributeAsync("data-state", "Completed");
        await supervisor.GotoAsync("/inbox");
        await Expect(supervisor.Locator("ul.inbox-list").First).ToBeAttachedAsync(); // the inbox has been read
        await Expect(reviewItem).ToHaveCountAsync(0); // reviewed: no longer waiting for anyone

        // The stock follows: two on hand, S3 gone from the shelf, and the adjustment in the ledger with its reason.
        await first.GotoAsync("/warehouse/stock");
        var row = first.Locator("#stock tr").Filter(new() { HasText = part });
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await row.GetByRole(AriaRole.Button, new() { Name = part }).ClickAsync();
        await Expect(first.GetByText(s2)).ToBeVisibleAsync();
        await Expect(first.GetByText(s3)).ToHaveCountAsync(0);

        await first.GotoAsync("/warehouse/movements");
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Movements ledger" })).ToBeVisibleAsync();
        await Expect(first.Locator("#movements tbody tr").First).ToHaveAttributeAsync("data-kind", "adjusted"); // newest first
        var adjusted = first.Locator("#movements tr[data-kind='adjusted']");
        await Expect(adjusted).ToContainTextAsync(s3);
        await Expect(adjusted).ToContainTextAsync("damaged");
        await Expect(adjusted).ToContainTextAsync("-1");
        await Expect(first.Locator("#movements tr[data-kind='goods-in']")).ToContainTextAsync(s1);
        await BrowserStack.ScreenshotAsync(first, "warehouse-movements-desktop");
        await first.GetByLabel("Kind").SelectOptionAsync("adjusted");
        await Expect(first.Locator("#movements tbody tr")).ToHaveCountAsync(1);
        await first.GetByLabel("Part number").FillAsync("NO-SUCH-PART");
        await first.GetByLabel("Part number").PressAsync("Enter");
        await Expect(first.GetByText("No movement matches.")).ToBeVisibleAsync();

        // The same review for a supervisor whose browser asks for Chinese (the source manuals are Chinese).
        var chinese = await browser.SignInAsync($"sup2-{run}", "supervisor", centre, locale: "zh-CN");
        await chinese.GotoAsync($"/counts/{countId}/review");
        await Expect(chinese.GetByRole(AriaRole.Heading, new() { Name = $"盘点审核 {countId}" })).ToBeVisibleAsync();
        await Expect(chinese.Locator("#review thead")).ToContainTextAsync("账面数");
        await BrowserStack.ScreenshotAsync(chinese, "supervisor-count-review-zh-desktop");

        // The centre's list shows the count Completed.
        await first.GotoAsync("/warehouse/counts");
        await first.GetByLabel("State").SelectOptionAsync("");
        await Expect(first.Locator($"#counts tr[data-count='{countId}'] [data-state]")).ToHaveAttributeAsync("data-state", "Completed");
    }
}
