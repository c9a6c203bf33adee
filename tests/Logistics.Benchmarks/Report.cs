using System.Globalization;
using System.Text.Json;

namespace Logistics.Benchmarks;

/// <summary>The markdown table (with the ratios the targets are stated in) and the JSON of a run.</summary>
internal static class Report
{
    public static void Print(IReadOnlyList<LoadResult> results, Options options, TextWriter output)
    {
        string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
        output.WriteLine($"Reservation + release pairs, {options.Concurrency} concurrent callers, {options.Duration.TotalSeconds:0} s each after {options.WarmUp.TotalSeconds:0} s warm-up, {Environment.ProcessorCount} cores");
        output.WriteLine();
        output.WriteLine("| scenario | pairs/s | p50 ms | p99 ms | errors |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
            output.WriteLine($"| {r.Scenario} | {r.PerSecond:0} | {F(r.Percentile(0.50))} | {F(r.Percentile(0.99))} | {r.Errors} |");
        var noOp = results[0].PerSecond;
        var raw = results[1].PerSecond;
        var direct = results[2].PerSecond;
        var gateway = results[3].PerSecond;
        output.WriteLine();
        output.WriteLine("| ratio (throughput) | value | target |");
        output.WriteLine("| --- | ---: | ---: |");
        output.WriteLine($"| gateway / direct | {gateway / direct:0.00} | ≥ 0.6 |");
        output.WriteLine($"| direct / no-op gRPC | {direct / noOp:0.00} | ≥ 0.7 |");
        output.WriteLine($"| direct / raw Redis | {direct / raw:0.00} | (ceiling) |");
    }

    public static string Json(IReadOnlyList<LoadResult> results, Options options) => JsonSerializer.Serialize(new
    {
        at = DateTimeOffset.UtcNow,
        cores = Environment.ProcessorCount,
        concurrency = options.Concurrency,
        durationSeconds = options.Duration.TotalSeconds,
        warmUpSeconds = options.WarmUp.TotalSeconds,
        scenarios = results.Select(r => new
        {
            r.Scenario, perSecond = r.PerSecond, p50Ms = r.Percentile(0.50), p90Ms = r.Percentile(0.90), p99Ms = r.Percentile(0.99),
            p999Ms = r.Percentile(0.999), operations = r.Operations, errors = r.Errors,
        }),
    }, new JsonSerializerOptions { WriteIndented = true });
}
