using Logistics.LocalStack;
using Logistics.LocalStack.Invariants;

// deploy/local/up.sh, down.sh and check.sh run this: `up [--with-monitoring]`, `down`, `status` or `check`, with the state under .local/.
var command = args.FirstOrDefault() ?? "status";
var stateDir = Environment.GetEnvironmentVariable("LOGISTICS_STATE_DIR") ?? RepoLayout.PathOf(".local");
var layout = StackLayout.Load(Environment.GetEnvironmentVariable("LOGISTICS_STACK_FILE")); // tests point these two at a temp folder and free ports

switch (command)
{
    case "up":
        var withMonitoring = args.Contains("--with-monitoring");
        var monitoring = LocalStack.Running(stateDir).Contains(LocalStack.PrometheusName);
        var running = LocalStack.Running(stateDir).Where(n => n != LocalStack.PrometheusName).ToList();
        var expected = 3 + (layout.Apps.Count + (layout.Web is null ? 0 : 1)) * 2; // postgres, redis, gateway, and each app (the console too) with its sidecar
        if (running.Count == expected)
        {
            Console.WriteLine("The local stack is already running.");
            if (withMonitoring && !monitoring)
                await new LocalStack(layout, stateDir, line => Console.WriteLine("  " + line), writePidFiles: true).StartPrometheusAsync();
            PrintHowTo(layout, stateDir);
            return 0;
        }
        if (running.Count > 0 || monitoring)
        {
            Console.WriteLine($"Part of the local stack is running ({string.Join(", ", running)}); stopping it to start clean.");
            LocalStack.StopFromPidFiles(stateDir);
        }
        var stack = new LocalStack(layout, stateDir, line => Console.WriteLine("  " + line), writePidFiles: true);
        try
        {
            Console.WriteLine("Starting the local stack:");
            await stack.StartAsync();
            if (withMonitoring) await stack.StartPrometheusAsync();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"The local stack did not start: {e.Message}");
            Console.Error.WriteLine($"Logs: {stack.LogsDir}. Stopping what was started.");
            stack.Stop();
            return 1;
        }
        PrintHowTo(layout, stateDir);
        return 0;

    case "down":
        var stopped = LocalStack.StopFromPidFiles(stateDir);
        Console.WriteLine(stopped.Count == 0 ? "Nothing of the local stack was running." : $"Stopped: {string.Join(", ", stopped)}.");
        return 0;

    case "status":
        var alive = LocalStack.Running(stateDir);
        Console.WriteLine(alive.Count == 0 ? "The local stack is not running." : $"Running: {string.Join(", ", alive)}.");
        return 0;

    case "check":
        var local = new LocalStack(layout, stateDir);
        var gateway = $"http://127.0.0.1:{layout.Gateway.HttpPort}";
        var token = Environment.GetEnvironmentVariable("LOGISTICS_TOKEN") ?? await InvariantChecker.DevTokenAsync(gateway);
        var violations = await new InvariantChecker(local.PostgresConnectionString, local.Redis.ConnectionString, gateway, token, Console.WriteLine).CheckAsync(TimeSpan.FromSeconds(30));
        foreach (var violation in violations) Console.WriteLine("  VIOLATED " + violation);
        return violations.Count == 0 ? 0 : 1;

    default:
        Console.Error.WriteLine("usage: Logistics.LocalStack up [--with-monitoring]|down|status|check");
        return 2;
}

static void PrintHowTo(StackLayout layout, string stateDir)
{
    var rest = $"http://127.0.0.1:{layout.Gateway.HttpPort}";
    Console.WriteLine($"""

        Console: {rest}/  (sign in as a ready user of each role)
        Gateway: REST {rest}   gRPC (h2c) 127.0.0.1:{layout.Gateway.GrpcPort}
        Logs:    {Path.Combine(stateDir, "logs")}
        Metrics: each service's http://127.0.0.1:<http port>/metrics, the gateway's http://127.0.0.1:{layout.Gateway.MetricsPort}/metrics
                 (Prometheus at http://127.0.0.1:{layout.Prometheus?.Port}/ with up.sh --with-monitoring)

        Get a token (local stack only):
          curl -s -X POST {rest}/dev/token -H 'Content-Type: application/json' -d '{"{"}"userId":"admin1","roles":["admin"]{"}"}'
        First request:
          TOKEN=$(curl -s -X POST {rest}/dev/token -H 'Content-Type: application/json' -d '{"{"}"userId":"admin1","roles":["admin"]{"}"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
          curl -s -X PUT {rest}/api/v1/parts/02312345 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"{"}"description":"Main control board","serialized":true{"}"}'
        Stop it: deploy/local/down.sh
        """);
}
