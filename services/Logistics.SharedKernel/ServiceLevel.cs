namespace Logistics.SharedKernel;

/// <summary>When a request must leave the centre and reach the engineer.</summary>
public sealed record Deadlines(DateTimeOffset ShipBy, DateTimeOffset DeliverBy);

/// <summary>
/// A service level of advance replacement (domain.md "Part request"), shared by requests (deadlines) and inventory
/// (rank orders backorders: fastest first).
/// <list type="table">
/// <item><term>7x24x4</term><description>ship-by = submit + 1h, deliver-by = submit + 4h, any day and hour.</description></item>
/// <item><term>5x9x4</term><description>the same hours counted in business hours (Mon–Fri 9–18): a request at Friday 17:00 is due Monday 12:00.</description></item>
/// <item><term>7x9xND</term><description>deliver-by = next calendar day 18:00; ship-by = deliver-by − 12h.</description></item>
/// <item><term>5x9xNBD</term><description>deliver-by = next business day 18:00 (Friday, Saturday, Sunday → Monday); ship-by = deliver-by − 12h.</description></item>
/// </list>
/// All in UTC, numbers from <see cref="ServiceLevelPolicy"/>.
/// </summary>
public sealed record ServiceLevel(string Code, int Rank)
{
    public static readonly ServiceLevel FourHoursAnyTime = new("7x24x4", 0);
    public static readonly ServiceLevel FourHoursBusinessHours = new("5x9x4", 1);
    public static readonly ServiceLevel NextDay = new("7x9xND", 2);
    public static readonly ServiceLevel NextBusinessDay = new("5x9xNBD", 3);

    public static IReadOnlyList<ServiceLevel> All { get; } = [FourHoursAnyTime, FourHoursBusinessHours, NextDay, NextBusinessDay];

    public static ServiceLevel Parse(string? code, string field = "service_level") =>
        All.FirstOrDefault(level => string.Equals(level.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidFieldException(field, $"'{code}' is not a service level ({string.Join(", ", All.Select(l => l.Code))})");

    public Deadlines DeadlinesFor(DateTimeOffset submittedAt, ServiceLevelPolicy policy)
    {
        var at = submittedAt.ToUniversalTime();
        if (this == FourHoursAnyTime)
            return new(at + policy.FourHourShipWithin, at + policy.FourHourWindow);
        if (this == FourHoursBusinessHours)
            return new(AddBusinessTime(at, policy.FourHourShipWithin, policy), AddBusinessTime(at, policy.FourHourWindow, policy));
        var day = DateOnly.FromDateTime(at.UtcDateTime).AddDays(1);
        if (this == NextBusinessDay)
            while (!IsBusinessDay(day)) day = day.AddDays(1);
        var deliverBy = new DateTimeOffset(day.ToDateTime(policy.NextDayDeliverAt), TimeSpan.Zero);
        return new(deliverBy - policy.NextDayTransit, deliverBy);
    }

    public override string ToString() => Code;

    private static bool IsBusinessDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>Adds <paramref name="duration"/> of business time; time outside business hours does not count.</summary>
    private static DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan duration, ServiceLevelPolicy policy)
    {
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        var time = TimeOnly.FromDateTime(start.UtcDateTime);
        if (!IsBusinessDay(day) || time >= policy.BusinessDayEnd) (day, time) = (NextBusinessDayAfter(day), policy.BusinessDayStart);
        else if (time < policy.BusinessDayStart) time = policy.BusinessDayStart;
        var remaining = duration;
        while (true)
        {
            var left = policy.BusinessDayEnd - time;
            if (remaining <= left) return new DateTimeOffset(day.ToDateTime(time), TimeSpan.Zero) + remaining;
            remaining -= left;
            (day, time) = (NextBusinessDayAfter(day), policy.BusinessDayStart);
        }
    }

    private static DateOnly NextBusinessDayAfter(DateOnly day)
    {
        do day = day.AddDays(1); while (!IsBusinessDay(day));
        return day;
    }
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
