using Logistics.SharedKernel.Time;

namespace Logistics.SharedKernel;

/// <summary>When a request must leave the centre and reach the engineer.</summary>
public sealed record Deadlines(DateTimeOffset ShipBy, DateTimeOffset DeliverBy);

/// <summary>
/// The clocks a request's deadlines run on: the centre's (it must ship) and the site's (the part must arrive there).
/// </summary>
public sealed record DeadlineClocks(LocalClock Centre, LocalClock Site)
{
    /// <summary>Both in UTC with the Monday-Friday calendar.</summary>
    public static DeadlineClocks Utc { get; } = new(LocalClock.Utc, LocalClock.Utc);
}

/// <summary>
/// A service level of advance replacement (docs/domain.md "Part request"), shared by requests (deadlines) and inventory
/// (rank orders backorders: fastest first). Each clock runs in the local time of the party that must act: ship-by on the
/// centre's clock, deliver-by on the site's (docs/time.md).
/// <list type="table">
/// <item><term>7x24x4</term><description>ship-by = submit + 1h, deliver-by = submit + 4h, any day and hour (elapsed time, no zone needed).</description></item>
/// <item><term>5x9x4</term><description>the same hours counted in business hours of the working calendar: ship-by on the centre's, deliver-by on the site's.</description></item>
/// <item><term>7x9xND</term><description>deliver-by = next calendar day 18:00 site time; ship-by = deliver-by − 12h.</description></item>
/// <item><term>5x9xNBD</term><description>deliver-by = next working day of the site's calendar, 18:00 site time; ship-by = deliver-by − 12h.</description></item>
/// </list>
/// Numbers from <see cref="ServiceLevelPolicy"/>; business hours and working days from the calendars. Deliver-by is never
/// before ship-by (a site far west of its centre could otherwise get one). A count past a calendar's known years is refused.
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

    public Deadlines DeadlinesFor(DateTimeOffset submittedAt, ServiceLevelPolicy policy, DeadlineClocks clocks)
    {
        var at = submittedAt.ToUniversalTime();
        if (this == FourHoursAnyTime)
            return new(at + policy.FourHourShipWithin, at + policy.FourHourWindow);
        if (this == FourHoursBusinessHours)
            return Ordered(clocks.Centre.AddBusinessTime(at, policy.FourHourShipWithin), clocks.Site.AddBusinessTime(at, policy.FourHourWindow));
        var deliverBy = this == NextBusinessDay
            ? clocks.Site.NextWorkingDayAt(at, policy.NextDayDeliverAt)
            : clocks.Site.NextDayAt(at, policy.NextDayDeliverAt);
        return new(deliverBy - policy.NextDayTransit, deliverBy);
    }

    public override string ToString() => Code;

    private static Deadlines Ordered(DateTimeOffset shipBy, DateTimeOffset deliverBy) => new(shipBy, deliverBy < shipBy ? shipBy : deliverBy);
}

/// <summary>
/// The numbers of the service levels. Business days and hours come from the working calendars, local times from the
/// zone of the centre or site (<see cref="DeadlineClocks"/>).
/// </summary>
/// <param name="FourHourWindow">7x24x4 and 5x9x4: deliver-by = submit + this (5x9x4: counted in business hours).</param>
/// <param name="FourHourShipWithin">7x24x4 and 5x9x4: ship-by = submit + this (5x9x4: counted in business hours).</param>
/// <param name="NextDayDeliverAt">7x9xND: deliver-by = next calendar day at this local time of the site; 5x9xNBD: next working day at this time.</param>
/// <param name="NextDayTransit">7x9xND and 5x9xNBD: ship-by = deliver-by − this.</param>
public sealed record ServiceLevelPolicy(
    TimeSpan FourHourWindow,
    TimeSpan FourHourShipWithin,
    TimeOnly NextDayDeliverAt,
    TimeSpan NextDayTransit)
{
    public static ServiceLevelPolicy Default { get; } = new(
        TimeSpan.FromHours(4), TimeSpan.FromHours(1), new TimeOnly(18, 0), TimeSpan.FromHours(12));
}
