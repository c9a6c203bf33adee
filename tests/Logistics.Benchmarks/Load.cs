using System.Diagnostics;

namespace Logistics.Benchmarks;

/// <summary>What one scenario measured: operations completed in the measured window and the latency of each.</summary>
public sealed record LoadResult(string Scenario, int Concurrency, long Operations, long Errors, double Seconds, double[] LatenciesMs)
{
    public double PerSecond => Operations / Seconds;

    /// <summary>The latency below which the given share of operations completed (exact: every sample is kept and sorted).</summary>
    public double Percentile(double share) => Percentiles.OfSorted(LatenciesMs, share);
}

/// <summary>Exact percentiles: every sample kept and sorted (nearest rank).</summary>
public static class Percentiles
{
    public static double OfSorted(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)];

    public static double Of(IEnumerable<double> samples, double share) => OfSorted(samples.Order().ToArray(), share);
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each run the operation back to back, first for the warm-up
/// (not recorded: JIT, connection pools, Redis scripts loaded), then for the measured duration.
/// </summary>
public static class Load
{
    /// <param name="window">Called as the measured window starts (true) and ends (false), e.g. to read a process's CPU time.</param>
    public static async Task<LoadResult> RunAsync(string scenario, int concurrency, TimeSpan warmUp, TimeSpan duration, Func<Task> operation,
        Action<bool>? window = null)
    {
        await RunWorkersAsync(concurrency, warmUp, operation, record: null);
        var samples = Enumerable.Range(0, concurrency).Select(_ => new List<double>(capacity: 100_000)).ToArray();
        var errors = new long[concurrency];
        string? firstError = null;
        window?.Invoke(true);
        var clock = Stopwatch.StartNew();
        await RunWorkersAsync(concurrency, duration, operation, (worker, ms, error) =>
        {
            if (error is null) samples[worker].Add(ms);
            else
            {
                errors[worker]++;
                Interlocked.CompareExchange(ref firstError, error.Message, null);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        window?.Invoke(false);
        var all = samples.SelectMany(s => s).Order().ToArray();
        if (firstError is not null) Console.Error.WriteLine($"  {scenario}: {errors.Sum()} errors, the first: {firstError}");
        return new LoadResult(scenario, concurrency, all.Length, errors.Sum(), seconds, all);
    }

    private static Task RunWorkersAsync(int concurrency, TimeSpan length, Func<Task> operation, Action<int, double, Exception?>? record)
    {
        var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                Exception? error = null;
                try
                {
                    await operation();
                }
                catch (Exception e)
                {
                    error = e; // counted, not timed: an error is not a fast answer
                }
                record?.Invoke(worker, Stopwatch.GetElapsedTime(start).TotalMilliseconds, error);
            }
        })));
    }
}
