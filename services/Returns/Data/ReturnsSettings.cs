using Logistics.Returns.Domain;

namespace Logistics.Returns.Data;

/// <summary>
/// Config section <c>Returns</c> (e.g. env <c>Returns__OverdueScanInterval=00:00:00.2</c>). Durations are TimeSpans
/// ("d.hh:mm:ss").
/// </summary>
public sealed class ReturnsSettings
{
    public const string Section = "Returns";

    /// <summary>How often the overdue job looks for returns past their deadlines (default 1 minute).</summary>
    public TimeSpan OverdueScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many returns one scan takes at most (the rest wait for the next scan).</summary>
    public int OverdueScanBatchSize { get; set; } = 500;

    /// <summary>A swap's faulty part is due this long after the replacement was signed for (default 10 days).</summary>
    public TimeSpan SwapReturnWithin { get; set; } = ReturnPolicy.Default.SwapReturnWithin;

    /// <summary>A DOA dead unit is due this long after its replacement shipped (default 30 days).</summary>
    public TimeSpan DeadUnitReturnWithin { get; set; } = ReturnPolicy.Default.DeadUnitReturnWithin;

    /// <summary>A part not received this long after the deadline clock started is unreturned (default 30 days).</summary>
    public TimeSpan UnreturnedAfter { get; set; } = ReturnPolicy.Default.UnreturnedAfter;

    public ReturnPolicy Policy => new ReturnPolicy(SwapReturnWithin, DeadUnitReturnWithin, UnreturnedAfter).Checked();

    /// <summary>Reads and checks the section, so a bad value stops the service at start.</summary>
    public static ReturnsSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<ReturnsSettings>() ?? new ReturnsSettings();
        if (settings.OverdueScanInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"Returns:OverdueScanInterval must be positive (was {settings.OverdueScanInterval})");
        if (settings.OverdueScanBatchSize <= 0)
            throw new InvalidOperationException($"Returns:OverdueScanBatchSize must be positive (was {settings.OverdueScanBatchSize})");
        _ = settings.Policy;
        return settings;
    }
}
