using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>Where a sign-in lands, and what a signed-in person sees on a page that is not for their role.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserStack browser)
{
    [Theory]
    [InlineData("engineer", "/requests", "My requests")]
    [InlineData("warehouse", "/warehouse", "Ship and receive")]
    [InlineData("supervisor", "/approvals", "Requests waiting for approval")]
    [InlineData("delivery-manager", "/doa-claims", "DOA claims")]
    [InlineData("auditor", "/anomalies", "Anomalies")]
    [InlineData("admin", "/admin/dead-letters", "Dead letters")]
    public async Task Each_role_lands_on_its_own_page_and_stays_there(string role, string landing, string heading)
    {
        // Warehouse staff and supervisors act for the centres their token names.
        var page = await browser.SignInAsync($"landing-{role}", role, role is "warehouse" or "supervisor" ? "SH-LANDING" : "");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        Assert.Equal(landing, new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role" })).ToHaveCountAsync(0);

        // Opening "/" again (a bookmark) is sent on by the server's own answer, with the session's cookie, before any circuit.
        var home = await page.APIRequest.GetAsync("/", new() { MaxRedirects = 0 });
        Assert.Equal(302, home.Status);
        Assert.Equal(landing, home.Headers["location"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_supervisor_whose_token_names_no_centre_is_told_why_on_a_page_that_stays_alive()
    {
        // The approvals are refused for a supervisor who acts for no centre: said on the page, which keeps working.
        var page = await browser.SignInAsync("landing-supervisor-no-centre", "supervisor");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests waiting for approval", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "carries no centres" })).ToBeVisibleAsync();
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0);
        // Still connected: a link within the app renders the next page (a dead page could not).
        await page.EvaluateAsync("() => Blazor.navigateTo('/anomalies')");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Anomalies", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_page_for_another_role_says_so_instead_of_sending_the_person_to_sign_in()
    {
        var manager = await browser.SignInAsync("landing-dm-elsewhere", "delivery-manager");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "DOA claims" })).ToBeVisibleAsync();

        // Within the app (as a link in the inbox would): the page says so where it is.
        await manager.EvaluateAsync("() => Blazor.navigateTo('/approvals')");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Not for your role" })).ToBeVisibleAsync();
        Assert.Equal("/approvals", new Uri(manager.Url).AbsolutePath);
        await BrowserStack.ScreenshotAsync(manager, "not-for-your-role-desktop");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Go to my first page" }).ClickAsync();
        await manager.WaitForURLAsync("**/doa-claims");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "DOA claims" })).ToBeVisibleAsync();

        // From the address bar: the session sends a signed-in browser to the same message, not to sign in.
        await manager.GotoAsync("/approvals");
        await manager.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/not-allowed");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Not for your role" })).ToBeVisibleAsync();
        await manager.Context.CloseAsync();

        // Someone not signed in is still sent to sign in.
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = browser.Console });
        var stranger = await context.NewPageAsync();
        await stranger.GotoAsync("/approvals");
        await stranger.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/sign-in");
        await Expect(stranger.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}
