using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Benchmarks;
using Logistics.LocalStack;
using Logistics.Testing;

// Starts the whole local stack on free ports (Release build), runs the benchmarks, prints a markdown table with each
// figure beside its baseline from the same run, and writes the figures as JSON. Not a test: nothing here passes or fails.
// Usage: dotnet run -c Release --project tests/Logistics.Benchmarks -- [--concurrency 64] [--duration 10] [--warmup 3] [--json FILE]
var options = Options.Parse(args);
using var folder = new TempFolder();
var stack = new LocalStack(StackLayout.Load().WithPorts(FreePort.Distinct()), folder.Path, line => Console.Error.WriteLine("  " + line));
// The per-user rate limit would measure itself, not the gateway: lifted for the run.
stack.GatewaySettings["RateLimits__PerUser__TokenLimit"] = "100000000";
stack.GatewaySettings["RateLimits__PerUser__TokensPerPeriod"] = "100000000";
try
{
    Console.Error.WriteLine("Starting the stack:");
    await stack.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri(stack.GatewayHttp) };
    async Task<string> TokenAsync(string user, string role)
    {
        using var response = await http.PostAsJsonAsync("/dev/token", new { userId = user, roles = new[] { role } });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
    async Task SendAsync(HttpMethod method, string path, string token, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    const string centre = "BENCH-C1", part = "BENCH-CABLE";
    var admin = await TokenAsync("bench-admin", "admin");
    var warehouse = await TokenAsync("bench-warehouse", "warehouse");
    await SendAsync(HttpMethod.Put, $"/api/v1/centres/{centre}", admin, new { name = "Benchmark centre", bins = new[] { "A-01" } });
    await SendAsync(HttpMethod.Put, $"/api/v1/parts/{part}", admin, new { description = "Patch cable", serialized = false, unit = "pcs" });
    await SendAsync(HttpMethod.Post, $"/api/v1/centres/{centre}/goods-in", warehouse, new { partNumber = part, bin = "A-01", quantity = 1_000_000 });

    Console.Error.WriteLine("Benchmark 1: reservation + release pairs");
    var inventory = stack.Layout.App("inventory");
    var results = await new ReservationBenchmark(stack.GatewayGrpc, $"http://127.0.0.1:{inventory.GrpcPort}", stack.Redis.ConnectionString, warehouse, centre, part)
        .RunAsync(options.Concurrency, options.WarmUp, options.Duration);

    Report.Print(results, options, Console.Out);
    await File.WriteAllTextAsync(options.JsonPath, Report.Json(results, options));
    Console.Error.WriteLine($"Figures written to {options.JsonPath}");
    return 0;
}
finally
{
    stack.Stop();
}

internal sealed record Options(int Concurrency, TimeSpan WarmUp, TimeSpan Duration, string JsonPath)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Number("concurrency", 64), TimeSpan.FromSeconds(Number("warmup", 3)), TimeSpan.FromSeconds(Number("duration", 10)),
            Value("json") ?? RepoLayout.PathOf(".local/benchmarks.json"));
    }
}
