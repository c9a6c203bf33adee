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

    [Fact]
    public async Task Up_starts_everything_healthy_a_second_up_changes_nothing_and_down_leaves_no_process()
    {
        using var folder = new TempFolder();
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
}
