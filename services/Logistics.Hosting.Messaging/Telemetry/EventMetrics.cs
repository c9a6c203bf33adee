using System.Diagnostics.Metrics;

namespace Logistics.Hosting.Telemetry;

/// <summary>
/// What the subscribers do with the events they receive, per topic: applied, refused (with why), and how long an
/// event took from its publication (the CloudEvent's `time`, set when the sidecar accepted it) to being applied.
/// </summary>
public sealed class EventMetrics
{
    public const string MeterName = "Logistics.Events";

    /// <summary>Seconds: a healthy stack applies in milliseconds; minutes mean a consumer is stuck or retrying.</summary>
    private static readonly double[] LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

    private readonly Counter<long> _applied;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _lag;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _applied = meter.CreateCounter<long>("logistics.events.applied", "{event}", "Events applied by a subscriber (duplicates not counted)");
        _refused = meter.CreateCounter<long>("logistics.events.refused", "{event}",
            "Events a subscriber did not apply: reason=invalid (dead-lettered at once) or failed (the sidecar retries, then dead-letters)");
        _lag = meter.CreateHistogram("logistics.events.lag", "s", "Time from an event's publication to its being applied",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
    }

    public void Applied(string topic, DateTimeOffset? publishedAt, DateTimeOffset appliedAt)
    {
        var tag = new KeyValuePair<string, object?>("topic", topic);
        _applied.Add(1, tag);
        // A clock skew between hosts can make it negative; it is then "no measurable lag", not a negative one.
        if (publishedAt is { } at) _lag.Record(Math.Max(0, (appliedAt - at).TotalSeconds), tag);
    }

    public void Refused(string topic, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("reason", reason));
}
