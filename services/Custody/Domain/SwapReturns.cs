namespace Logistics.Custody.Domain;

/// <summary>
/// Invariant 4: every faulty serial a swap removed has a return. Returns opens it on the same part-installed event,
/// so a swap whose return is still not opened a grace period (setting <c>Custody:ReturnOpenGrace</c>) after the swap is a break.
/// </summary>
public static class SwapReturns
{
    public static bool IsMissing(SwapAwaitingReturn swap, DateTimeOffset? returnOpenedAt, DateTimeOffset now, TimeSpan grace) =>
        returnOpenedAt is null && now - swap.InstalledAt >= grace;

    public static DetectedAnomaly Anomaly(SwapAwaitingReturn swap, TimeSpan grace) => new(AnomalyKind.SwapWithoutReturn, swap.Serial,
        $"faulty serial {swap.Serial} was removed at {swap.InstalledAt:yyyy-MM-dd HH:mm}Z (request {swap.RequestId}) and no return was opened within {grace}",
        References.Request(swap.RequestId));
}
