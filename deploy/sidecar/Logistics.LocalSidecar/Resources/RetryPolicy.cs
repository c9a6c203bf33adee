namespace Logistics.LocalSidecar.Resources;

/// <summary>
/// A Dapr resiliency retry policy. Defaults as Dapr documents them (and dapr/kit retry.DefaultConfig sets them):
/// policy constant, duration 5s, maxInterval 60s, maxRetries -1 (forever). Exponential back-off is cenkalti/backoff's:
/// the interval starts at 500 ms and grows by 1.5 up to maxInterval, each wait is that interval ±50 % (so a wait may
/// exceed maxInterval by half), and retrying stops once 15 minutes have gone by (its MaxElapsedTime).
/// </summary>
public sealed record RetryPolicy(string Name, bool Exponential, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries)
{
    public const string DefaultPolicy = "constant";
    public const int DefaultMaxRetries = -1;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultMaxInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxElapsedTime = TimeSpan.FromMinutes(15);

    public static RetryPolicy From(string name, RetryDocument doc)
    {
        var exponential = (doc.Policy ?? DefaultPolicy) switch
        {
            "constant" => false,
            "exponential" => true,
            var other => throw new InvalidDataException($"retry policy {name}: policy '{other}' is not constant or exponential"),
        };
        return new RetryPolicy(
            name,
            exponential,
            doc.Duration is null ? DefaultDuration : GoDuration.Parse(doc.Duration, $"retry policy {name}.duration"),
            doc.MaxInterval is null ? DefaultMaxInterval : GoDuration.Parse(doc.MaxInterval, $"retry policy {name}.maxInterval"),
            doc.MaxRetries ?? DefaultMaxRetries);
    }

    /// <summary>True when another attempt is allowed after <paramref name="retriesDone"/> retries.</summary>
    public bool AllowsRetry(int retriesDone) => MaxRetries < 0 || retriesDone < MaxRetries;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (0 for the first retry), or null when an exponential
    /// policy has run for its 15 minutes (<paramref name="elapsed"/> since the first attempt) and gives up.
    /// </summary>
    public TimeSpan? Delay(int retry, TimeSpan elapsed)
    {
        if (!Exponential) return Duration;
        var interval = Math.Min(InitialInterval.TotalMilliseconds * Math.Pow(1.5, Math.Min(retry, 60)), MaxInterval.TotalMilliseconds);
        var wait = TimeSpan.FromMilliseconds(interval * (0.5 + Random.Shared.NextDouble()));
        return elapsed + wait > MaxElapsedTime ? null : wait;
    }

    public override string ToString() => Exponential
        ? $"{Name} (exponential, maxInterval {MaxInterval.TotalSeconds:0.###}s, maxRetries {MaxRetries})"
        : $"{Name} (constant, duration {Duration.TotalSeconds:0.###}s, maxRetries {MaxRetries})";
}
