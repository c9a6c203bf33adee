using System.Net.Http.Json;
using Logistics.LocalStack;
using Logistics.Testing;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Logistics.Browser.Tests;

/// <summary>
/// The real local stack (with the web console behind the gateway) and one headless Chromium (Debian's, driven by
/// Playwright). Each test opens a browser context per person, signed in through the console's /dev/sign-in.
/// </summary>
public sealed class BrowserStack : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public TestStack Stack { get; } = new();
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    public string Console => Stack.Stack.GatewayHttp;

    public static string ScreenshotsDir => RepoLayout.PathOf(".local/screenshots");

    public async Task InitializeAsync()
    {
        await Stack.InitializeAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // --no-sandbox: the tests may run as root (CI containers), where Chromium's sandbox cannot start.
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(ScreenshotsDir);
        // Web-first assertions wait for the screen; on a shared two-core machine a first page can take seconds.
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A person at a browser: signed in as <paramref name="user"/> through the console, on a phone or a desktop.</summary>
    public async Task<IPage> SignInAsync(string user, string roles, string centres = "", ViewportSize? viewport = null, string locale = "en-GB")
    {
        var phone = viewport == Phone;
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Console, ViewportSize = viewport ?? Desktop, IsMobile = phone, HasTouch = phone,
            Locale = locale, TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var answer = await page.GotoAsync($"/dev/sign-in?user={Uri.EscapeDataString(user)}&roles={Uri.EscapeDataString(roles)}&centres={Uri.EscapeDataString(centres)}");
        if (answer is not { Ok: true })
            throw new InvalidOperationException($"Signing in as {user} ({roles}) answered {answer?.Status}: {await page.ContentAsync()}");
        // The home page sends each role to its own page; a test that goes elsewhere at once would race that navigation.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath is not ("/" or "/dev/sign-in"));
        return page;
    }

    /// <summary>Set-up data through the REST API (not under test): a centre with bins, a serialized part, serials on the shelf.</summary>
    public async Task StockAsync(string centre, string part, params string[] serials)
    {
        await CatalogueAsync(centre, part);
        using var warehouse = await Stack.RestAsAsync("browser-setup-wh", ["warehouse"], [centre]);
        using var goodsIn = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{centre}/goods-in")
        {
            Content = JsonContent.Create(new { partNumber = part, bin = "A-01", serials }),
        };
        goodsIn.Headers.Add("Idempotency-Key", $"setup-{centre}-{part}");
        (await warehouse.SendAsync(goodsIn)).EnsureSuccessStatusCode();
        // The requests service learns of parts and centres through events: wait until it can take a request.
        using var engineer = await Stack.RestAsAsync("browser-setup-eng", "engineer");
        await Eventually.Until(async () => (await engineer.GetAsync($"/api/v1/requestable-parts/{part}")).IsSuccessStatusCode, ok => ok,
            TimeSpan.FromSeconds(30), $"part {part} known to requests");
    }

    /// <summary>Set-up data: a centre with bins A-01 and A-02 and a serialized part (admin, through the REST API).</summary>
    public async Task CatalogueAsync(string centre, string part)
    {
        using var admin = await Stack.RestAsAsync("browser-admin", "admin");
        (await admin.PutAsJsonAsync($"/api/v1/centres/{centre}", new { name = $"Centre {centre}", bins = new[] { "A-01", "A-02" } })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/parts/{part}", new { description = "Main control board", serialized = true })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Chooses <paramref name="value"/> in a catalogue picker as a person does: types it, and picks it from the list
    /// the picker found on the server (so the list is closed again before the next field).
    /// </summary>
    public static async Task PickAsync(IPage page, string label, string value)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(value);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = value }).First.ClickAsync();
        try
        {
            await Assertions.Expect(input).ToHaveValueAsync(value, new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            // Under load a list answering an earlier keystroke can land as the pick is made, leaving a mangled value; a
            // person sees it and picks again. Once, and said in the output: a second miss fails the test.
            System.Console.WriteLine($"picker '{label}' showed '{await input.InputValueAsync()}' after picking '{value}'; picking again");
            await input.FillAsync(value);
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = value }).First.ClickAsync();
        }
        await Assertions.Expect(input).ToHaveValueAsync(value);
        // The list closes on the pick and stays closed. Were a late search to open it again, a person would close it
        // and go on: so does the test, saying so in the output (KeyboardTests pins that focus alone opens no list).
        await page.WaitForTimeoutAsync(600);
        try
        {
            await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0, new() { Timeout = 2_000 });
        }
        catch (PlaywrightException)
        {
            System.Console.WriteLine($"picker '{label}' kept or opened its list again after '{value}' was picked; closed with Escape");
            await input.PressAsync("Escape");
            await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        }
        await Assertions.Expect(input).ToHaveValueAsync(value);
    }

    /// <summary>
    /// Keeps a screenshot of the page under .local/screenshots/ and checks it with axe: no serious or critical
    /// accessibility violation on any page the tests visit.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // the app bar is fixed: keep it at the top of a full-page shot
        await SettledAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotsDir, name + ".png"), FullPage = true });
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: accessibility violations:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }

    /// <summary>
    /// Waits (up to 15 s: a loaded machine draws slowly) until no finite animation or transition runs: axe measures contrast on what is drawn, and a list
    /// fading out is drawn at half opacity. Endless ones (a progress bar) are left alone.
    /// </summary>
    private static async Task SettledAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
                null, new() { Timeout = 15_000 });
        }
        catch (System.TimeoutException)
        {
            // Still moving after 15 s: check what is there; a real violation shows in axe's answer either way.
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await Stack.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserStack>
{
    public const string Name = "browser";
}
