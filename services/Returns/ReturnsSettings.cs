using System.ComponentModel.DataAnnotations;
using Logistics.Hosting.Settings;
using Logistics.Returns.Domain;

namespace Logistics.Returns;

/// <summary>
/// Config section <c>Returns</c> (e.g. env <c>Returns__OverdueScanInterval=00:00:00.2</c>). Durations are TimeSpans
/// ("d.hh:mm:ss"); a zero or negative one stops the service at start.
/// </summary>
public sealed class ReturnsSettings : IServiceSettings
{
    public static string Section => "Returns";

    /// <summary>How often the overdue job looks for returns past their deadlines (default 1 minute).</summary>
    [Positive]
    public TimeSpan OverdueScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many returns one scan takes at most (the rest wait for the next scan).</summary>
    [Range(1, int.MaxValue)]
    public int OverdueScanBatchSize { get; set; } = 500;

    /// <summary>A swap's faulty part is due this long after the replacement was signed for (default 10 days).</summary>
    [Positive]
    public TimeSpan SwapReturnWithin { get; set; } = ReturnPolicy.Default.SwapReturnWithin;

    /// <summary>A DOA dead unit is due this long after its replacement shipped (default 30 days).</summary>
    [Positive]
    public TimeSpan DeadUnitReturnWithin { get; set; } = ReturnPolicy.Default.DeadUnitReturnWithin;

    /// <summary>A part not received this long after the deadline clock started is unreturned (default 30 days).</summary>
    [Positive]
    public TimeSpan UnreturnedAfter { get; set; } = ReturnPolicy.Default.UnreturnedAfter;

    public ReturnPolicy Policy => new(SwapReturnWithin, DeadUnitReturnWithin, UnreturnedAfter);
}
