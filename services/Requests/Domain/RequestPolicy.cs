namespace Logistics.Requests.Domain;

/// <summary>
/// The settings of part requests (domain.md "Part request"; every number is a default a deployment can change).
/// </summary>
/// <param name="OpenRequestQuota">How many open requests an engineer may already hold for a new one to be approved automatically (default 5: the 5th is automatic, the 6th waits).</param>
/// <param name="MaxAutoApprovedQuantity">The largest quantity per line approved automatically (default 2).</param>
/// <param name="ServiceLevels">How ship-by and deliver-by are computed.</param>
public sealed record RequestPolicy(int OpenRequestQuota, int MaxAutoApprovedQuantity, ServiceLevelPolicy ServiceLevels)
{
    public static RequestPolicy Default { get; } = new(5, 2, ServiceLevelPolicy.Default);
}

/// <summary>
/// Times of the service levels, all in UTC. Business days are Monday to Friday (no public holidays);
/// business hours run from <paramref name="BusinessDayStart"/> to <paramref name="BusinessDayEnd"/>.
/// </summary>
/// <param name="FourHourWindow">7x24x4 and 5x9x4: deliver-by = submit + this (5x9x4: counted in business hours).</param>
/// <param name="FourHourShipWithin">7x24x4 and 5x9x4: ship-by = submit + this (5x9x4: counted in business hours).</param>
/// <param name="NextDayDeliverAt">7x9xND: deliver-by = next calendar day at this time; 5x9xNBD: next business day at this time.</param>
/// <param name="NextDayTransit">7x9xND and 5x9xNBD: ship-by = deliver-by − this.</param>
public sealed record ServiceLevelPolicy(
    TimeOnly BusinessDayStart,
    TimeOnly BusinessDayEnd,
    TimeSpan FourHourWindow,
    TimeSpan FourHourShipWithin,
    TimeOnly NextDayDeliverAt,
    TimeSpan NextDayTransit)
{
    public static ServiceLevelPolicy Default { get; } = new(
        new TimeOnly(9, 0), new TimeOnly(18, 0), TimeSpan.FromHours(4), TimeSpan.FromHours(1), new TimeOnly(18, 0), TimeSpan.FromHours(12));
}

/// <summary>
/// What the requests service knows of the engineer when a request is submitted (facts passed in, looked up elsewhere).
/// </summary>
/// <param name="OpenRequests">Requests of this engineer that are open now, not counting the new one.</param>
/// <param name="HoldsOverdueFaultyPart">The engineer holds a faulty part unreturned past the return deadline (default 30 days).</param>
public sealed record EngineerStanding(int OpenRequests, bool HoldsOverdueFaultyPart);
