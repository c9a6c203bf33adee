using System.Globalization;
using Logistics.LocalStack;

namespace Logistics.Benchmarks;

/// <summary>The command line: which benchmarks, how hard and how long (defaults are the figures).</summary>
public sealed record BenchmarkOptions(
    IReadOnlySet<int> Only, int Concurrency, TimeSpan WarmUp, TimeSpan Duration, int FlowConcurrency, int EventRate,
    int CustodyEvents, int CountLines, string JsonPath)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var only = Value("only") is { } list ? list.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToHashSet() : [1, 2, 3, 4, 5, 6, 7];
        return new BenchmarkOptions(only,
            Concurrency: Number("concurrency", 64),
            WarmUp: TimeSpan.FromSeconds(Number("warmup", 3)),
            Duration: TimeSpan.FromSeconds(Number("duration", 10)),
            FlowConcurrency: Number("flow-concurrency", 16),
            EventRate: Number("event-rate", 500),
            CustodyEvents: Number("custody-events", 5_000_000),
            CountLines: Number("count-lines", 100_000),
            JsonPath: Value("json") ?? RepoLayout.PathOf(".local/benchmarks.json"));
    }
}
