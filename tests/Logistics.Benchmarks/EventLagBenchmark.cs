using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
public sealed partial class EventLagBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    public sealed record Probe(long Sequence);

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine($"Benchmark 3: event lag at {options.EventRate} events/s");
        var port = FreePort.Next();
        var pubsub = bench.Stack.Layout.PubsubName;
        var topics = new[] { "bench-lag-a-" + Guid.NewGuid().ToString("N")[..8], "bench-lag-b-" + Guid.NewGuid().ToString("N")[..8] };
        var events = (int)((options.WarmUp + options.Duration).TotalSeconds * options.EventRate) + 1;
        var handled = topics.ToDictionary(t => t, _ => new long[events]);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        foreach (var topic in topics)
        {
            var times = handled[topic];
            app.MapPost("/events/" + topic, (Probe probe) =>
            {
                Interlocked.CompareExchange(ref times[probe.Sequence], Stopwatch.GetTimestamp(), 0); // the first delivery counts
                return Results.Ok();
            }).WithTopic(pubsub, topic);
        }
        await app.StartAsync();
        try
        {
            // Concurrency 1 (one event at a time per subscription: the stack's setting before it took daprd's default),
            // then the stack's settings (no `concurrency`: pubsub.redis' default, 10).
            var viaSidecar = await ThroughSidecarAsync("bench-lag-1", ProbeComponents("bench-lag-1", topics[0], concurrency1: true), port, topics[0], handled[topics[0]]);
            await bench.Redis.GetDatabase().KeyDeleteAsync(topics[0]); // the next sidecar's new group would replay it
            var concurrent = await ThroughSidecarAsync("bench-lag-2", ProbeComponents("bench-lag-2", topics[1], concurrency1: false), port, topics[1], handled[topics[1]]);
            Console.Error.WriteLine("  straight to the subscriber (baseline)");
            Array.Clear(handled[topics[0]]);
            using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var straight = await RunAtRateAsync(handled[topics[0]], async p => (await direct.PostAsJsonAsync("/events/" + topics[0], p)).EnsureSuccessStatusCode().Dispose());

            bool Met(LagResult r) => r.P99Ms <= 100 && r.Lost == 0;
            return new Markdown("3. Event lag, publish → handled",
                    $"{options.EventRate} events/s for {options.Duration.TotalSeconds:0} s after {options.WarmUp.TotalSeconds:0} s warm-up, open loop " +
                    "(lag counted from each event's scheduled time); a probe app subscribes through its own local sidecar with the stack's component files " +
                    "(Redis, retries, redelivery), publishing with DaprClient as the outbox relay does.")
                .Table(["path", "events", "p50 ms", "p99 ms", "max ms", "lost", "publish call p50 / p99 ms"],
                [
                    Row("through the sidecar, concurrency 1", viaSidecar),
                    Row("through the sidecar, the stack's settings (concurrency 10, daprd's default)", concurrent),
                    Row("POST straight to the subscriber (baseline)", straight),
                ])
                .Table(["measure", "value", "target"],
                [
                    ["p99, the stack's settings (concurrency 10)", Markdown.Ms(concurrent.P99Ms) + " ms", Markdown.Target($"≤ 100 ms at {options.EventRate}/s, nothing lost", Met(concurrent))],
                    ["p99, concurrency 1", Markdown.Ms(viaSidecar.P99Ms) + " ms", Markdown.Target($"≤ 100 ms at {options.EventRate}/s, nothing lost", Met(viaSidecar))],
                    ["p50 the stack's settings / straight", Markdown.Ratio(concurrent.P50Ms / straight.P50Ms), ""],
                ])
                .Done(new { rate = options.EventRate, viaSidecar, concurrent, straight });
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// The stack's component files with the probe app added to the topic scopes (its one topic, to publish and to
    /// subscribe: one line each, as for any new app), and with concurrency 1 when asked (the files set none: 10).
    /// </summary>
    private string ProbeComponents(string appId, string topic, bool concurrency1)
    {
        var folder = bench.Folder.Sub("components-" + appId);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(bench.Stack.ComponentsDir))
        {
            var text = File.ReadAllText(file);
            if (text.Contains("pubsub.redis", StringComparison.Ordinal))
            {
                text = ScopeValue().Replace(text, m => m.Value + $"        {appId}={topic};\n");
                text = TopicListValue().Replace(text, m => m.Value + $"        {topic},\n");
                if (concurrency1)
                    text = text.Replace("\n  metadata:\n", "\n  metadata:\n    - name: concurrency\n      value: \"1\"\n", StringComparison.Ordinal);
            }
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(file)), text);
        }
        return folder;
    }

    [GeneratedRegex(@"name: (publishingScopes|subscriptionScopes)\n\s*value: >-\n")]
    private static partial Regex ScopeValue();

    [GeneratedRegex(@"name: (allowedTopics|protectedTopics)\n\s*value: >-\n")]
    private static partial Regex TopicListValue();

    /// <summary>Starts a probe sidecar with these component files, runs the rate through it, stops it.</summary>
    private async Task<LagResult> ThroughSidecarAsync(string appId, string components, int appPort, string topic, long[] handled)
    {
        Console.Error.WriteLine($"  through the sidecar ({appId}, components {components})");
        var (httpPort, grpcPort) = (FreePort.Next(), FreePort.Next());
        var sidecar = RunProcesses.Keep(bench.Stack.StartSidecar(appId, appPort, httpPort, grpcPort, components));
        try
        {
            using var dapr = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{grpcPort}").UseHttpEndpoint($"http://127.0.0.1:{httpPort}").Build();
            // Healthy once the probe's subscriptions are discovered and running.
            await LocalStack.LocalStack.WaitHealthyAsync(sidecar, $"http://127.0.0.1:{httpPort}/v1.0/healthz", TimeSpan.FromSeconds(30));
            return await RunAtRateAsync(handled, p => dapr.PublishEventAsync(bench.Stack.Layout.PubsubName, topic, p));
        }
        finally
        {
            RunProcesses.Stop(sidecar, TimeSpan.FromSeconds(10));
        }
    }

    public sealed record LagResult(long Events, double P50Ms, double P99Ms, double MaxMs, long Lost, double PublishP50Ms, double PublishP99Ms);

    private static string[] Row(string path, LagResult r) =>
        [path, Markdown.Count(r.Events), Markdown.Ms(r.P50Ms), Markdown.Ms(r.P99Ms), Markdown.Ms(r.MaxMs), r.Lost.ToString(),
         $"{Markdown.Ms(r.PublishP50Ms)} / {Markdown.Ms(r.PublishP99Ms)}"];

    /// <summary>Sends event n at start + n / rate; waits for the stragglers; the lag of those sent after the warm-up.</summary>
    private async Task<LagResult> RunAtRateAsync(long[] handled, Func<Probe, Task> publish)
    {
        var total = handled.Length;
        var warmUpEvents = (int)(options.WarmUp.TotalSeconds * options.EventRate);
        var scheduled = new long[total];
        var published = new long[total];
        var sends = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var n = 0; n < total; n++)
        {
            var at = start + (long)(n * (double)Stopwatch.Frequency / options.EventRate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            scheduled[n] = at;
            var sequence = n;
            sends.Add(Task.Run(async () =>
            {
                await publish(new Probe(sequence));
                published[sequence] = Stopwatch.GetTimestamp();
            }));
        }
        await Task.WhenAll(sends);
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (handled.Any(h => h == 0) && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100);

        var lags = Enumerable.Range(warmUpEvents, total - warmUpEvents).Where(n => handled[n] != 0)
            .Select(n => Stopwatch.GetElapsedTime(scheduled[n], handled[n]).TotalMilliseconds).Order().ToArray();
        var publishing = Enumerable.Range(warmUpEvents, total - warmUpEvents)
            .Select(n => Stopwatch.GetElapsedTime(scheduled[n], published[n]).TotalMilliseconds).Order().ToArray();
        return new LagResult(lags.Length, Percentiles.OfSorted(lags, 0.5), Percentiles.OfSorted(lags, 0.99), lags.Length == 0 ? double.NaN : lags[^1], total - warmUpEvents - lags.Length,
            Percentiles.OfSorted(publishing, 0.5), Percentiles.OfSorted(publishing, 0.99));
    }
}
