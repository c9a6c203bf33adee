using Logistics.Hosting.Settings;

namespace Logistics.Custody;

/// <summary>
/// Config section <c>Custody</c>: the settings of custody's own checks (e.g. env <c>Custody__ReturnCheckInterval=00:00:01</c>).
/// Durations are TimeSpans ("d.hh:mm:ss"); a zero or negative one stops the service at start.
/// </summary>
public sealed class CustodySettings : IServiceSettings
{
    public static string Section => "Custody";

    /// <summary>How long after a swap its faulty part's return may take to be opened before the swap is flagged (default 1 hour).</summary>
    [Positive]
    public TimeSpan ReturnOpenGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often swaps still waiting for their return are checked (default 1 minute).</summary>
    [Positive]
    public TimeSpan ReturnCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
