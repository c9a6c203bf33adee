using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.LocalStack;
using Logistics.Testing;

namespace Logistics.EndToEnd.Tests;

/// <summary>The README's deploy/local/up.sh and down.sh, run for real (on free ports, state in a temp folder).</summary>
public sealed class LocalStackScriptTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string script, IDictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo("bash", [RepoLayout.PathOf(script), .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static Dictionary<string, int> PidFiles(string stateDir) =>
        Directory.GetFiles(Path.Combine(stateDir, "pids"), "*.pid")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f)!, f => int.Parse(File.ReadAllText(f).Trim()));

    /// <summary>deploy/stack.json on free ports, written to the folder, and the environment that points the scripts at it.</summary>
    private static async Task<(StackLayout Layout, Dictionary<string, string> Env)> FreeStackAsync(TempFolder folder)
    {
        var layout = StackLayout.Load().WithPorts(FreePort.Distinct());
        var stackFile = folder.Sub("stack.json");
        await File.WriteAllTextAsync(stackFile, JsonSerializer.Serialize(layout, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var env = new Dictionary<string, string>
        {
            ["LOGISTICS_STATE_DIR"] = folder.Sub("state"),
            ["LOGISTICS_STACK_FILE"] = stackFile,
            ["LOGISTICS_CONFIGURATION"] = RepoLayout.Configuration,
            ["LOGISTICS_NO_BUILD"] = "1", // tests/run.sh built everything already
        };
        return (layout, env);
    }

    [Fact]
    public async Task Up_starts_everything_healthy_a_second_up_changes_nothing_and_down_leaves_no_process()
    {
        using var folder = new TempFolder();
        var (layout, env) = await FreeStackAsync(folder);
        Dictionary<string, int> pids = [];
        try
        {
            var up = await RunAsync("deploy/local/up.sh", env);
            Assert.True(up.ExitCode == 0, up.Output);
            Assert.Contains($"http://127.0.0.1:{layout.Gateway.HttpPort}/dev/token", up.Output);
            pids = PidFiles(folder.Sub("state"));
            Assert.Equal(3 + 2 * (layout.Apps.Count + 1), pids.Count); // the services and the web console, each with a sidecar
            Assert.All(pids, p => Assert.True(ProcessTable.IsRunning(p.Value), $"{p.Key} is not running"));
            using (var http = new HttpClient())
            {
                Assert.True((await http.GetAsync($"http://127.0.0.1:{layout.Gateway.HttpPort}/readyz")).IsSuccessStatusCode);
                // The gateway serves the web console at / (a signed-out visitor is sent to the sign-in page).
                var console = await http.GetAsync($"http://127.0.0.1:{layout.Gateway.HttpPort}/sign-in");
                Assert.True(console.IsSuccessStatusCode, $"GET /sign-in through the gateway: {(int)console.StatusCode}");
                Assert.Contains("_framework/blazor.web.js", await console.Content.ReadAsStringAsync());
            }

            // The reconcile command works against the running stack.
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{layout.Gateway.HttpPort}") })
            {
                var token = JsonDocument.Parse(await (await http.PostAsJsonAsync("/dev/token", new { userId = "admin1", roles = new[] { "admin" } })).Content.ReadAsStringAsync())
                    .RootElement.GetProperty("token").GetString();
                http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                (await http.PutAsJsonAsync("/api/v1/centres/SZ-01", new { name = "Shenzhen", bins = new[] { "A-01" } })).EnsureSuccessStatusCode();
            }
            var reconcile = await RunAsync("deploy/local/reconcile.sh", env, "SZ-01");
            Assert.True(reconcile.ExitCode == 0, reconcile.Output);
            Assert.Contains("SZ-01: ledger and Redis agree", reconcile.Output);
            var unknown = await RunAsync("deploy/local/reconcile.sh", env, "NO-SUCH-CENTRE");
            Assert.Equal(1, unknown.ExitCode);
            // The invariant checker reaches this stack's Postgres, Redis and gateway from the stack file alone.
            var check = await RunAsync("deploy/local/check.sh", env);
            Assert.True(check.ExitCode == 0, check.Output);
            Assert.Contains("every invariant holds (1 centres)", check.Output);

            var again = await RunAsync("deploy/local/up.sh", env);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Contains("already running", again.Output);
            Assert.Equal(pids, PidFiles(folder.Sub("state")));
        }
        finally
        {
            var down = await RunAsync("deploy/local/down.sh", env);
            Assert.True(down.ExitCode == 0, down.Output);
        }
        Assert.All(pids, p => Assert.False(ProcessTable.IsRunning(p.Value), $"{p.Key} ({p.Value}) still runs after down.sh"));
        Assert.Empty(Directory.GetFiles(folder.Sub("state/pids")));
    }

    /// <summary>
    /// `up.sh --with-monitoring` as an operator runs it: Debian's Prometheus comes up with the stack, scrapes every
    /// service, the web console and the gateway's metrics port (on this stack's ports), reports every target up and
    /// answers queries over what it scraped; down.sh stops it with the rest. Bounded: each script 4 minutes, the
    /// scrapes 2 minutes (the first scrape of a target comes within one 15 s interval).
    /// </summary>
    [Fact]
    public async Task Up_with_monitoring_starts_a_prometheus_that_scrapes_every_target_up_and_down_stops_it()
    {
        using var folder = new TempFolder();
        var (layout, env) = await FreeStackAsync(folder);
        var prometheusPort = layout.Prometheus?.Port ?? throw new InvalidOperationException("deploy/stack.json names no prometheus port");
        var prometheus = $"http://127.0.0.1:{prometheusPort}";
        List<(string Service, string Target)> expected = layout.Apps.Select(a => (Service: a.AppId, Target: $"127.0.0.1:{a.HttpPort}"))
            .Append((layout.Web!.AppId, $"127.0.0.1:{layout.Web.HttpPort}"))
            .Append(("gateway", $"127.0.0.1:{layout.Gateway.MetricsPort}"))
            .Order().ToList();
        Dictionary<string, int> pids = [];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var up = await RunAsync("deploy/local/up.sh", env, "--with-monitoring");
            Assert.True(up.ExitCode == 0, up.Output);
            pids = PidFiles(folder.Sub("state"));
            Assert.True(pids.ContainsKey(LocalStack.LocalStack.PrometheusName), $"no prometheus PID file: {string.Join(", ", pids.Keys)}");
            Assert.Equal(4 + 2 * (layout.Apps.Count + 1), pids.Count); // prometheus, postgres, redis, gateway, each app with its sidecar

            // Every target of this stack (not of deploy/stack.json's ports) is scraped, healthy, with its service label.
            var targets = await Eventually.Until(async () =>
                {
                    using var doc = JsonDocument.Parse(await http.GetStringAsync($"{prometheus}/api/v1/targets?state=active"));
                    return doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                        .Select(t => (Service: t.GetProperty("labels").GetProperty("service").GetString()!, Target: t.GetProperty("labels").GetProperty("instance").GetString()!,
                            Health: t.GetProperty("health").GetString()!, Error: t.GetProperty("lastError").GetString()))
                        .OrderBy(t => t.Service).ToList();
                },
                t => t.Count == expected.Count && t.All(x => x.Health == "up"),
                TimeSpan.FromMinutes(2), "every target up");
            Assert.Equal(expected, targets.Select(t => (t.Service, t.Target)).Order().ToList());

            // The query API over what was scraped: `up` is 1 for each, and each service's outbox gauge arrived.
            var upSeries = await QueryAsync(http, prometheus, "up");
            Assert.Equal(expected.Select(e => e.Service).Order(), upSeries.Select(s => s.Service).Order());
            Assert.All(upSeries, s => Assert.Equal("1", s.Value));
            var outbox = await Eventually.Until(() => QueryAsync(http, prometheus, "logistics_outbox_waiting"),
                s => s.Count == layout.Apps.Count, TimeSpan.FromMinutes(2), "every service's logistics_outbox_waiting in Prometheus");
            Assert.Equal(layout.Apps.Select(a => a.AppId).Order(), outbox.Select(s => s.Service).Order());
            // The console is scraped as a real app: its own HTTP server metrics, not only `up`.
            var web = await QueryAsync(http, prometheus, "http_server_request_duration_seconds_count{service=\"web\"}");
            Assert.NotEmpty(web);
        }
        finally
        {
            var down = await RunAsync("deploy/local/down.sh", env);
            Assert.True(down.ExitCode == 0, down.Output);
        }
        Assert.All(pids, p => Assert.False(ProcessTable.IsRunning(p.Value), $"{p.Key} ({p.Value}) still runs after down.sh"));
        Assert.Empty(Directory.GetFiles(folder.Sub("state/pids")));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"{prometheus}/-/ready")); // nothing listens any more
    }

    /// <summary>An instant query: each series' `service` label and value.</summary>
    private static async Task<List<(string Service, string Value)>> QueryAsync(HttpClient http, string prometheus, string query)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"{prometheus}/api/v1/query?query={Uri.EscapeDataString(query)}"));
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric").GetProperty("service").GetString()!, r.GetProperty("value")[1].GetString()!))
            .ToList();
    }
}
