namespace Logistics.Custody.Domain;

/// <summary>Settings of custody's own checks (config section <c>Custody</c>).</summary>
public sealed class CustodyPolicy
{
    /// <summary>How long after a swap its faulty part's return may take to be opened before the swap is flagged.</summary>
    public TimeSpan ReturnOpenGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often swaps still waiting for their return are checked.</summary>
    public TimeSpan ReturnCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Invariant 4: every faulty serial a swap removed has a return. Returns opens it on the same part-installed event,
/// so a swap whose return is still not opened <see cref="CustodyPolicy.ReturnOpenGrace"/> after the swap is a break.
/// </summary>
public static class SwapReturns
{
    public static bool IsMissing(SwapAwaitingReturn swap, DateTimeOffset? returnOpenedAt, DateTimeOffset now, TimeSpan grace) =>
        returnOpenedAt is null && now - swap.InstalledAt >= grace;

    public static DetectedAnomaly Anomaly(SwapAwaitingReturn swap, TimeSpan grace) => new(AnomalyKind.SwapWithoutReturn, swap.Serial,
        $"faulty serial {swap.Serial} was removed at {swap.InstalledAt:yyyy-MM-dd HH:mm}Z (request {swap.RequestId}) and no return was opened within {grace}",
        References.Request(swap.RequestId));
}
