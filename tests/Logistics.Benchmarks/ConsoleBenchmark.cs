using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 6: the web console under 16 people at once. Each simulated user is a Playwright browser context of one
/// headless Chromium (a real browser: the page, its scripts, the Blazor circuit over a WebSocket and the reads it makes
/// through the gateway are all paid, which a plain HTTP driver would skip). Measured: page-ready time (navigation until
/// the page shows its data) of the main pages, beside the same reads through the REST API by 16 callers (baseline);
/// live-update latency (a state change committed through the API until the open page shows it, no reload); and the
/// bytes a first load transfers (HTTP responses and WebSocket frames, cold cache).
/// </summary>
public sealed class ConsoleBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    public const string Centre = "BENCH-W1", Part = "BENCH-PANEL";
    private const int Users = 16, Engineers = 8, LiveSamples = 10;
    private readonly ConcurrentQueue<string> _serials = new();

    private sealed record Person(IBrowserContext Context, IPage Page, string[] Paths, string User, string Role)
    {
        public int Next;
    }

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine($"Benchmark 6: the console, {Users} users in Chromium");
        await SetUpAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });

        Console.Error.WriteLine("  first load (cold cache)");
        var firstLoad = await FirstLoadAsync(browser);

        var people = new List<Person>();
        for (var i = 0; i < Users; i++)
        {
            var engineer = i < Engineers;
            var user = engineer ? $"bench-web-eng-{i}" : $"bench-web-wh-{i}";
            var context = await browser.NewContextAsync(new() { BaseURL = bench.Stack.GatewayHttp, ViewportSize = new() { Width = 1280, Height = 900 } });
            context.SetDefaultTimeout(60_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/dev/sign-in?user={user}&roles={(engineer ? "engineer" : "warehouse")}&centres={(engineer ? "" : Centre)}");
            var paths = engineer ? ["/requests", "/returns", $"/requests/{await RequestAsync(user)}"] : new[] { "/warehouse", "/warehouse/stock" };
            people.Add(new Person(context, page, paths, user, engineer ? "engineer" : "warehouse"));
        }
        await bench.SettleAsync("the console's set-up");

        var pool = new ConcurrentQueue<Person>(people);
        Console.Error.WriteLine("  page-ready through the console");
        var pages = await Load.RunAsync("console pages", Users, options.WarmUp, options.Duration, async () =>
        {
            if (!pool.TryDequeue(out var person)) throw new InvalidOperationException("more workers than users");
            try
            {
                var path = person.Paths[person.Next++ % person.Paths.Length];
                await person.Page.GotoAsync(path);
                await ReadyAsync(person.Page, path);
            }
            finally { pool.Enqueue(person); }
        });

        // One user alone: what a page costs without 15 others' browsers and circuits on the same cores.
        Console.Error.WriteLine("  page-ready, one user alone");
        var alone = await Load.RunAsync("console pages, one user", 1, options.WarmUp, options.Duration, async () =>
        {
            var person = people[0];
            var path = person.Paths[person.Next++ % person.Paths.Length];
            await person.Page.GotoAsync(path);
            await ReadyAsync(person.Page, path);
        });

        // How people move between pages: a link inside the console keeps the circuit and the scripts, so only the
        // new page's render and its reads are paid (a full load above pays Chromium's script parsing every time).
        Console.Error.WriteLine("  page-ready by in-app navigation, 16 users");
        pool = new ConcurrentQueue<Person>(people);
        var webPid = bench.Stack.Processes["web"].Pid;
        var (webBefore, machineBefore) = (ProcCpu.Ticks(webPid), ProcCpu.Machine());
        var inApp = await Load.RunAsync("console in-app navigation", Users, options.WarmUp, options.Duration, async () =>
        {
            if (!pool.TryDequeue(out var person)) throw new InvalidOperationException("more workers than users");
            try { await NavigateInAppAsync(person); }
            finally { pool.Enqueue(person); }
        });
        var (webAfter, machineAfter) = (ProcCpu.Ticks(webPid), ProcCpu.Machine());
        // Where the cores went while 16 people navigated: the console's own process against the whole machine (the
        // browser, the gateway, the services and anything else running), so the figure says whose time a wait is.
        // Pages are counted in the measured window only; the ticks span the warm-up too, at about the same rate.
        var pagesInTicks = inApp.Operations * (options.WarmUp + options.Duration) / options.Duration;
        var consoleMsPerPage = (webAfter - webBefore) * 10.0 / Math.Max(1, pagesInTicks);
        var machineBusy = (double)(machineAfter.Busy - machineBefore.Busy) / (machineAfter.Total - machineBefore.Total);
        Console.Error.WriteLine("  page-ready by in-app navigation, one user alone");
        var inAppAlone = await Load.RunAsync("console in-app navigation, one user", 1, options.WarmUp, options.Duration,
            () => NavigateInAppAsync(people[0]));

        Console.Error.WriteLine("  the same reads through the REST API (baseline)");
        var restPool = new ConcurrentQueue<Person>(people);
        using var rest = new HttpClient { BaseAddress = new Uri(bench.Stack.GatewayHttp) };
        var reads = await Load.RunAsync("REST reads", Users, options.WarmUp, options.Duration, async () =>
        {
            if (!restPool.TryDequeue(out var person)) throw new InvalidOperationException("more workers than users");
            try
            {
                var path = person.Paths[person.Next++ % person.Paths.Length];
                foreach (var api in ApiReadsOf(path, person.User))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, api);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bench.Token(person.User, person.Role));
                    using var response = await rest.SendAsync(request);
                    response.EnsureSuccessStatusCode();
                    await response.Content.ReadAsByteArrayAsync();
                }
            }
            finally { restPool.Enqueue(person); }
        });
        foreach (var person in people) await person.Context.DisposeAsync();

        Console.Error.WriteLine("  live updates");
        var live = await LiveAsync(browser);

        var p95 = pages.Percentile(0.95);
        var liveP95 = Percentiles.Of(live, 0.95);
        return new Markdown("6. The web console, 16 users",
                $"{Users} Playwright browser contexts in one headless Chromium ({Engineers} engineers: my requests, my returns, a request's page; " +
                $"{Users - Engineers} warehouse users: ship and receive, stock), each loading its pages in turn, closed loop, for {options.Duration.TotalSeconds:0} s after " +
                $"{options.WarmUp.TotalSeconds:0} s warm-up. Page-ready = navigation until the page shows its data (a full load: document, scripts, the circuit, " +
                "the reads through the gateway). Baseline: the reads each page makes, through the REST API, by 16 callers. " +
                $"Live: {LiveSamples} requests, each open on an engineer's page while the centre ships it through the API; from the ship call's answer until the page shows Shipped.")
            .Table(["path", "loads", "per s", "p50 ms", "p95 ms", "p99 ms", "errors"],
            [
                Row("console page-ready, 16 users", pages),
                Row("console page-ready, one engineer alone", alone),
                Row("console in-app navigation, 16 users", inApp),
                Row("console in-app navigation, one engineer alone", inAppAlone),
                Row("the same reads through the REST API (baseline)", reads),
            ])
            .Table(["measure", "value", "target"],
            [
                ["page-ready p95", Markdown.Ms(p95) + " ms", Markdown.Target("≤ 300 ms with 16 users", p95 <= 300)],
                ["page-ready p95 / REST p95", Markdown.Ratio(p95 / reads.Percentile(0.95)), ""],
                ["in-app navigation p95, 16 users", Markdown.Ms(inApp.Percentile(0.95)) + " ms", Markdown.Target("≤ 300 ms with 16 users", inApp.Percentile(0.95) <= 300)],
                ["in-app navigation p95 / REST p95", Markdown.Ratio(inApp.Percentile(0.95) / reads.Percentile(0.95)), ""],
                ["console CPU per in-app page, 16 users", Markdown.Ms(consoleMsPerPage) + " ms", ""],
                ["machine busy during in-app navigation (all cores)", Markdown.Count(machineBusy * 100) + " %", ""],
                ["live update p50 / p95 / max", $"{Markdown.Ms(Percentiles.Of(live, 0.5))} / {Markdown.Ms(liveP95)} / {Markdown.Ms(live.Max())} ms", Markdown.Target("≤ 1 s", liveP95 <= 1000)],
                ["first load (sign-in → my requests shown)", $"{Markdown.Count(firstLoad.Total / 1024.0)} KB (HTTP {Markdown.Count(firstLoad.Http / 1024.0)} KB, WebSocket {Markdown.Count(firstLoad.WebSocket / 1024.0)} KB, {firstLoad.Requests} requests)", Markdown.Target("≤ 1.5 MB", firstLoad.Total <= 1.5 * 1024 * 1024)],
            ])
            .Done(new { users = Users, pages = Report.Figures(pages), alone = Report.Figures(alone), inApp = Report.Figures(inApp), consoleMsPerPage, machineBusy, inAppAlone = Report.Figures(inAppAlone), rest = Report.Figures(reads), liveMs = live, firstLoad });
    }

    private static string[] Row(string name, LoadResult r) =>
        [name, Markdown.Count(r.Operations), Markdown.Count(r.PerSecond), Markdown.Ms(r.Percentile(0.5)), Markdown.Ms(r.Percentile(0.95)), Markdown.Ms(r.Percentile(0.99)), Markdown.Count(r.Errors)];

    /// <summary>
    /// The person's next page through the console's own router (<c>Blazor.navigateTo</c>, what a link does). What the
    /// previous page showed is marked first, so only the new page's data counts as ready.
    /// </summary>
    private static async Task NavigateInAppAsync(Person person)
    {
        var path = person.Paths[person.Next++ % person.Paths.Length];
        await person.Page.EvaluateAsync(
            "p => { document.querySelectorAll('[data-request],[data-return],.mud-alert,h2,#stock,#request-state').forEach(e => e.setAttribute('data-bench-old', '')); Blazor.navigateTo(p); }",
            path);
        await ReadyAsync(person.Page, path, ":not([data-bench-old])");
    }

    /// <summary>What shows that a page has its data.</summary>
    private static Task ReadyAsync(IPage page, string path, string fresh = "") => path switch
    {
        "/requests" => page.Locator($"[data-request]{fresh}").First.WaitForAsync(),
        "/returns" => page.Locator($"[data-return]{fresh}, .mud-alert{fresh}").First.WaitForAsync(),
        "/warehouse" => page.Locator($"h2{fresh}").Filter(new() { HasText = "To inspect" }).WaitForAsync(),
        "/warehouse/stock" => page.Locator($"#stock{fresh}").WaitForAsync(),
        _ => page.Locator($"#request-state{fresh}").WaitForAsync(),
    };

    /// <summary>The reads a page makes through the gateway, as REST calls.</summary>
    private static string[] ApiReadsOf(string path, string user) => path switch
    {
        "/requests" => [$"/api/v1/part-requests?engineerId={user}&pageSize=20"],
        "/returns" => [$"/api/v1/returns?engineerId={user}&pageSize=20"],
        "/warehouse" =>
        [
            $"/api/v1/part-requests?centreId={Centre}&state=Reserved&late=true&pageSize=50",
            $"/api/v1/part-requests?centreId={Centre}&state=Reserved&pageSize=50",
            $"/api/v1/returns?centreId={Centre}&state=Shipped&pageSize=50",
            $"/api/v1/returns?centreId={Centre}&state=Received&pageSize=50",
        ],
        "/warehouse/stock" => [$"/api/v1/centres/{Centre}/stock?pageSize=50"],
        _ => [$"/api/v1/part-requests/{path[(path.LastIndexOf('/') + 1)..]}"],
    };

    public sealed record FirstLoad(long Http, long WebSocket, int Requests)
    {
        public long Total => Http + WebSocket;
    }

    private async Task<FirstLoad> FirstLoadAsync(IBrowser browser)
    {
        var user = "bench-web-first";
        await RequestAsync(user);
        await using var context = await browser.NewContextAsync(new() { BaseURL = bench.Stack.GatewayHttp });
        var page = await context.NewPageAsync();
        long http = 0, socket = 0;
        var requests = 0;
        var sizes = new List<Task>();
        page.RequestFinished += (_, request) => sizes.Add(Task.Run(async () =>
        {
            var s = await request.SizesAsync();
            Interlocked.Add(ref http, s.ResponseBodySize + s.ResponseHeadersSize + s.RequestBodySize + s.RequestHeadersSize);
            Interlocked.Increment(ref requests);
        }));
        page.WebSocket += (_, ws) =>
        {
            ws.FrameReceived += (_, f) => Interlocked.Add(ref socket, f.Binary?.Length ?? Encoding.UTF8.GetByteCount(f.Text ?? ""));
            ws.FrameSent += (_, f) => Interlocked.Add(ref socket, f.Binary?.Length ?? Encoding.UTF8.GetByteCount(f.Text ?? ""));
        };
        await page.GotoAsync($"/dev/sign-in?user={user}&roles=engineer");
        await ReadyAsync(page, "/requests");
        await Task.Delay(500); // the last responses' sizes
        await Task.WhenAll(sizes);
        return new FirstLoad(http, socket, requests);
    }

    private async Task<double[]> LiveAsync(IBrowser browser)
    {
        var samples = new List<double>();
        for (var i = 0; i < LiveSamples; i++)
        {
            var user = $"bench-web-live-{i}";
            var id = await RequestAsync(user);
            await using var context = await browser.NewContextAsync(new() { BaseURL = bench.Stack.GatewayHttp });
            context.SetDefaultTimeout(60_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/dev/sign-in?user={user}&roles=engineer");
            await page.Locator("[data-request]").First.WaitForAsync();
            await page.GotoAsync($"/requests/{id}");
            await page.Locator("#request-state", new() { HasText = "Reserved" }).WaitForAsync();
            await page.EvaluateAsync(
                """
                () => { window.__shownAt = 0; new MutationObserver(() => {
                  if (!window.__shownAt && document.querySelector('#request-state')?.textContent.trim() === 'Shipped') window.__shownAt = Date.now();
                }).observe(document.body, { subtree: true, childList: true, characterData: true }); }
                """);
            _serials.TryDequeue(out var serial);
            await bench.SendAsync(HttpMethod.Post, $"/api/v1/part-requests/{id}:ship", "bench-web-shipper", "warehouse", new
            {
                serials = new[] { serial }, carrier = "DHL", trackingNo = $"JD-{id}",
                packaging = new { esdBagSealed = true, sealedWith = "tape", esdSymbol = true, packageId = $"PKG-{id}" },
            });
            var committed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await page.WaitForFunctionAsync("() => window.__shownAt > 0", null, new() { Timeout = 30_000 });
            samples.Add(await page.EvaluateAsync<double>("() => window.__shownAt") - committed);
        }
        return samples.ToArray();
    }

    private async Task SetUpAsync()
    {
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/centres/{Centre}", "bench-admin", "admin", new { name = "Console benchmark centre", bins = new[] { "A-01" } });
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/parts/{Part}", "bench-admin", "admin", new { description = "Display panel", serialized = true });
        var serials = Enumerable.Range(0, 100).Select(i => $"BW-{Guid.NewGuid():N}"[..14] + i).ToArray();
        await bench.SendAsync(HttpMethod.Post, $"/api/v1/centres/{Centre}/goods-in", "bench-web-wh", "warehouse", new { partNumber = Part, bin = "A-01", serials });
        foreach (var s in serials) _serials.Enqueue(s);
        // Requests learns of the part and the centre through events.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/requestable-parts/{Part}");
            probe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bench.Token("bench-web-probe", "engineer"));
            using var answer = await bench.Rest.SendAsync(probe);
            if (answer.IsSuccessStatusCode) break;
            if (clock.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException($"part {Part} not known to requests");
            await Task.Delay(200);
        }
    }

    /// <summary>An engineer's request (one unit: within the quota) that inventory has reserved; its id.</summary>
    private async Task<string> RequestAsync(string engineer)
    {
        var token = bench.Token(engineer, "engineer");
        string? id = null;
        for (var attempt = 0; id is null; attempt++)
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/part-requests")
            {
                Content = JsonContent.Create(new { ticketId = "TCK-" + engineer, siteId = "SITE-1", centreId = Centre, partNumber = Part, quantity = 1, serviceLevel = "7x24x4" }),
            };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            create.Headers.Add("Idempotency-Key", "bench-web-" + engineer);
            using var answer = await bench.Rest.SendAsync(create);
            if (answer.IsSuccessStatusCode) id = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();
            else if (attempt > 100) throw new InvalidOperationException($"request for {engineer}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            else await Task.Delay(200); // the centre may not be known to requests yet
        }
        for (var attempt = 0; ; attempt++)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/part-requests/{id}");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await bench.Rest.SendAsync(read);
            var state = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString();
            if (state == "Reserved") return id!;
            if (attempt > 300) throw new TimeoutException($"{id} is {state}, not Reserved");
            await Task.Delay(100);
        }
    }
}
