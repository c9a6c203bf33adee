namespace Logistics.Hosting.Telemetry;

/// <summary>Config section `Metrics`.</summary>
public sealed class MetricsOptions
{
    /// <summary>How often the gauges that need a database query are read (the scrape reads the last answer).</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
