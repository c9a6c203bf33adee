namespace Logistics.LocalSidecar.Resources;

/// <summary>
/// A Dapr resiliency retry policy. Defaults as Dapr documents them: policy constant, duration 5s,
/// maxInterval 60s, maxRetries -1 (forever). Exponential back-off starts at 500 ms and grows by 1.5
/// with ±50 % jitter, capped at maxInterval (Dapr's back-off settings).
/// </summary>
public sealed record RetryPolicy(string Name, bool Exponential, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries)
{
    private static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);

    public static RetryPolicy From(string name, RetryDocument doc)
    {
        var exponential = (doc.Policy ?? "constant") switch
        {
            "constant" => false,
            "exponential" => true,
            var other => throw new InvalidDataException($"retry policy {name}: policy '{other}' is not constant or exponential"),
        };
        return new RetryPolicy(
            name,
            exponential,
            doc.Duration is null ? TimeSpan.FromSeconds(5) : GoDuration.Parse(doc.Duration, $"retry policy {name}.duration"),
            doc.MaxInterval is null ? TimeSpan.FromSeconds(60) : GoDuration.Parse(doc.MaxInterval, $"retry policy {name}.maxInterval"),
            doc.MaxRetries ?? -1);
    }

    /// <summary>True when another attempt is allowed after <paramref name="retriesDone"/> retries.</summary>
    public bool AllowsRetry(int retriesDone) => MaxRetries < 0 || retriesDone < MaxRetries;

    /// <summary>The wait before retry number <paramref name="retry"/> (0 for the first retry).</summary>
    public TimeSpan Delay(int retry)
    {
        if (!Exponential) return Duration;
        var grown = InitialInterval.TotalMilliseconds * Math.Pow(1.5, Math.Min(retry, 60));
        var jittered = grown * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxInterval.TotalMilliseconds));
    }

    public override string ToString() => Exponential
        ? $"{Name} (exponential, maxInterval {MaxInterval.TotalSeconds:0.###}s, maxRetries {MaxRetries})"
        : $"{Name} (constant {Duration.TotalSeconds:0.###}s, maxRetries {MaxRetries})";
}
