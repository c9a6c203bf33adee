namespace Logistics.Inventory.Domain.Replenishment;

/// <summary>When a centre's daily proposal is due: once per local day, from the configured local time on.</summary>
public static class DailyProposals
{
    /// <summary>The local day whose proposal is due at <paramref name="now"/>, or null before the day's time.</summary>
    public static DateOnly? DueDay(DateTimeOffset now, TimeZoneInfo zone, TimeOnly at)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        return TimeOnly.FromDateTime(local) >= at ? DateOnly.FromDateTime(local) : null;
    }

    /// <summary>The instant the day's proposal fell due: a proposal made since then (daily or on demand) is the day's.</summary>
    public static DateTimeOffset DueSince(DateOnly day, TimeZoneInfo zone, TimeOnly at)
    {
        var local = day.ToDateTime(at);
        // A local time skipped by a clock change (spring forward) is taken an hour later.
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The daily proposal's id: the same for every replica on the same local day, so it is made once.</summary>
    public static string Id(string centreId, DateOnly day) => $"RP-{centreId}-{day:yyyyMMdd}";
}
