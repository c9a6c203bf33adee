using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dapr;
using Dapr.Client;
using Logistics.LocalStack;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 3: event lag, publish → handled, at a steady rate (open loop: each event leaves at its scheduled time
/// whether or not the earlier ones were handled, and its lag counts from that time). A probe app in this process
/// subscribes through its own local sidecar with the stack's component files (the stack's Redis, its retry and
/// redelivery settings) and publishes with <see cref="DaprClient"/>, as the outbox relay does. Baseline: the same
/// events at the same rate posted straight to the probe's subscription route (the lag without sidecar and broker).
/// </summary>
public sealed class EventLagBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    private const string AppId = "bench-lag-probe", Route = "/events/bench-lag";

    public sealed record Probe(long Sequence, long SentAt);

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine($"Benchmark 3: event lag at {options.EventRate} events/s");
        var port = FreePort.Next();
        var topic = "bench-lag-" + Guid.NewGuid().ToString("N")[..8];
        var handled = new long[(int)((options.WarmUp + options.Duration).TotalSeconds * options.EventRate) + 1];

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapPost(Route, (Probe probe) =>
        {
            Interlocked.CompareExchange(ref handled[probe.Sequence], Stopwatch.GetTimestamp(), 0); // the first delivery counts
            return Results.Ok();
        }).WithTopic(bench.Stack.Layout.PubsubName, topic);
        await app.StartAsync();

        var (httpPort, grpcPort) = (FreePort.Next(), FreePort.Next());
        var sidecar = ChildProcess.Start($"{AppId}-sidecar", "dotnet",
            [RepoLayout.BuiltDll(LocalStack.LocalStack.SidecarProject), "--app-id", AppId, "--app-port", port.ToString(),
             "--dapr-http-port", httpPort.ToString(), "--dapr-grpc-port", grpcPort.ToString(), "--resources-path", bench.Stack.ComponentsDir],
            Path.Combine(bench.Stack.LogsDir, $"{AppId}-sidecar.log"), new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });
        try
        {
            using var dapr = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{grpcPort}").UseHttpEndpoint($"http://127.0.0.1:{httpPort}").Build();
            await WaitReadyAsync(httpPort, sidecar);

            Console.Error.WriteLine("  through the sidecar");
            var viaSidecar = await RunAtRateAsync(handled, p => dapr.PublishEventAsync(bench.Stack.Layout.PubsubName, topic, p));
            Array.Clear(handled);
            Console.Error.WriteLine("  straight to the subscriber (baseline)");
            using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var straight = await RunAtRateAsync(handled, async p => (await direct.PostAsJsonAsync(Route, p)).EnsureSuccessStatusCode().Dispose());

            var met = viaSidecar.P99Ms <= 100 && viaSidecar.Lost == 0;
            return new Markdown("3. Event lag, publish → handled",
                    $"{options.EventRate} events/s for {options.Duration.TotalSeconds:0} s after {options.WarmUp.TotalSeconds:0} s warm-up, open loop " +
                    "(lag counted from each event's scheduled time); the probe subscribes through its own local sidecar with the stack's component files.")
                .Table(["path", "events", "p50 ms", "p99 ms", "max ms", "lost"],
                [
                    Row("publish (DaprClient) → sidecar → Redis stream → sidecar → subscriber", viaSidecar),
                    Row("POST straight to the subscriber (baseline)", straight),
                ])
                .Table(["ratio", "value", "target"],
                [
                    ["sidecar p99 / straight p99", Markdown.Ratio(viaSidecar.P99Ms / straight.P99Ms), ""],
                    ["sidecar p99 at the rate", Markdown.Ms(viaSidecar.P99Ms) + " ms", Markdown.Target($"≤ 100 ms at {options.EventRate}/s, nothing lost", met)],
                ])
                .Done(new { rate = options.EventRate, viaSidecar, straight });
        }
        finally
        {
            sidecar.Stop(TimeSpan.FromSeconds(10));
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public sealed record LagResult(long Events, double P50Ms, double P99Ms, double MaxMs, long Lost);

    private static string[] Row(string path, LagResult r) =>
        [path, Markdown.Count(r.Events), Markdown.Ms(r.P50Ms), Markdown.Ms(r.P99Ms), Markdown.Ms(r.MaxMs), r.Lost.ToString()];

    /// <summary>Sends event n at start + n / rate; waits for the stragglers; the lag of those sent after the warm-up.</summary>
    private async Task<LagResult> RunAtRateAsync(long[] handled, Func<Probe, Task> publish)
    {
        var total = handled.Length;
        var warmUpEvents = (int)(options.WarmUp.TotalSeconds * options.EventRate);
        var scheduled = new long[total];
        var sends = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var n = 0; n < total; n++)
        {
            var at = start + (long)(n * (double)Stopwatch.Frequency / options.EventRate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            scheduled[n] = at;
            sends.Add(publish(new Probe(n, at)));
        }
        await Task.WhenAll(sends);
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (handled.Any(h => h == 0) && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100);

        var lags = Enumerable.Range(warmUpEvents, total - warmUpEvents).Where(n => handled[n] != 0)
            .Select(n => Stopwatch.GetElapsedTime(scheduled[n], handled[n]).TotalMilliseconds).Order().ToArray();
        double P(double share) => lags.Length == 0 ? double.NaN : lags[Math.Min(lags.Length - 1, (int)Math.Ceiling(share * lags.Length) - 1)];
        return new LagResult(lags.Length, P(0.5), P(0.99), lags.Length == 0 ? double.NaN : lags[^1], total - warmUpEvents - lags.Length);
    }

    private static async Task WaitReadyAsync(int httpPort, ChildProcess sidecar)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (!sidecar.IsRunning) throw new InvalidOperationException($"the probe's sidecar exited:\n{sidecar.LogTail()}");
            try
            {
                using var response = await http.GetAsync("/v1.0/healthz");
                if (response.StatusCode == HttpStatusCode.NoContent) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the probe's sidecar was not ready after 30 s:\n{sidecar.LogTail()}");
    }
}
