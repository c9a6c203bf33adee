using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Logistics.Benchmarks;

/// <summary>One benchmark's outcome: its markdown (tables, ratios, targets met or missed) and its figures for the JSON.</summary>
public sealed record Section(string Title, string Markdown, object Figures);

/// <summary>Builds a section's markdown: a heading, a line saying how it was measured, tables.</summary>
public sealed class Markdown(string title, string how)
{
    private readonly StringBuilder _text = new($"## {title}\n\n{how}\n");

    public Markdown Table(string[] header, IEnumerable<string[]> rows)
    {
        _text.Append('\n').Append("| ").AppendJoin(" | ", header).Append(" |\n");
        _text.Append("| --- |").Append(string.Concat(Enumerable.Repeat(" ---: |", header.Length - 1))).Append('\n');
        foreach (var row in rows) _text.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        return this;
    }

    public Section Done(object figures) => new(title, _text.ToString(), figures);

    public static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Count(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"target — met" or "target — **missed**".</summary>
    public static string Target(string target, bool met) => met ? $"{target} — met" : $"{target} — **missed**";
}

/// <summary>The JSON of a run: the options and every section's figures.</summary>
internal static class Report
{
    public static string Json(IReadOnlyList<Section> sections, BenchmarkOptions options) => JsonSerializer.Serialize(new
    {
        at = DateTimeOffset.UtcNow,
        cores = Environment.ProcessorCount,
        options = new
        {
            concurrency = options.Concurrency, warmUpSeconds = options.WarmUp.TotalSeconds, durationSeconds = options.Duration.TotalSeconds,
            flowConcurrency = options.FlowConcurrency, eventRate = options.EventRate, custodyEvents = options.CustodyEvents, countLines = options.CountLines,
        },
        benchmarks = sections.ToDictionary(s => s.Title, s => s.Figures),
    }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>A load result's figures for the JSON.</summary>
    public static object Figures(LoadResult r) => new
    {
        r.Scenario, perSecond = r.PerSecond, p50Ms = r.Percentile(0.50), p90Ms = r.Percentile(0.90), p99Ms = r.Percentile(0.99),
        p999Ms = r.Percentile(0.999), operations = r.Operations, errors = r.Errors,
    };
}
