using Logistics.SharedKernel;

namespace Logistics.Requests.Domain;

/// <summary>
/// The settings of part requests (docs/domain.md "Part request"; every number is a default a deployment can change).
/// </summary>
/// <param name="OpenRequestQuota">How many open requests an engineer may already hold for a new one to be approved automatically (default 5: the 5th is automatic, the 6th waits).</param>
/// <param name="MaxAutoApprovedQuantity">The largest quantity per line approved automatically (default 2).</param>
/// <param name="ServiceLevels">How ship-by and deliver-by are computed.</param>
public sealed record RequestPolicy(int OpenRequestQuota, int MaxAutoApprovedQuantity, ServiceLevelPolicy ServiceLevels)
{
    public static RequestPolicy Default { get; } = new(5, 2, ServiceLevelPolicy.Default);
}

/// <summary>
/// What the requests service knows of the engineer when a request is submitted (facts passed in, looked up elsewhere).
/// </summary>
/// <param name="OpenRequests">Requests of this engineer that are open now, not counting the new one.</param>
/// <param name="HoldsOverdueFaultyPart">The engineer holds a faulty part unreturned past the return deadline (default 30 days).</param>
public sealed record EngineerStanding(int OpenRequests, bool HoldsOverdueFaultyPart);
