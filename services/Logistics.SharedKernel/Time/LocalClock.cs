namespace Logistics.SharedKernel.Time;

/// <summary>
/// The clock of a party that must act (a centre, a site): its IANA time zone and its working calendar. Arithmetic is done
/// in that local time; every result is an instant (UTC). Local times that do not exist (the hour skipped when summer time
/// starts) are read as the moment the clocks jump, shifted forward by the gap (02:30 on the day Berlin skips 02:00-03:00 is
/// 03:30 summer time); local times that happen twice (the hour repeated when summer time ends) are read as the first one.
/// </summary>
public sealed class LocalClock
{
    public LocalClock(TimeZoneInfo zone, WorkingCalendar calendar)
    {
        Zone = zone;
        Calendar = calendar;
    }

    public TimeZoneInfo Zone { get; }
    public WorkingCalendar Calendar { get; }

    /// <summary>UTC with the generic Monday-Friday calendar: how every deadline was computed before zones and calendars.</summary>
    public static LocalClock Utc { get; } = new(TimeZoneInfo.Utc, WorkingCalendars.MondayToFriday);

    public override string ToString() => $"{Zone.Id} / {Calendar}";

    /// <summary>The local date and time of an instant.</summary>
    public DateTime LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>The instant of a local date and time (see the class comment for skipped and repeated local times).</summary>
    public DateTimeOffset InstantOf(DateOnly day, TimeOnly time)
    {
        var local = DateTime.SpecifyKind(day.ToDateTime(time), DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            // Skipped: use the offset in force just before the jump, which lands the same distance past it.
            var before = Zone.GetUtcOffset(DateTime.SpecifyKind(local.AddHours(-3), DateTimeKind.Unspecified));
            return new DateTimeOffset(DateTime.SpecifyKind(local - before, DateTimeKind.Utc)).ToUniversalTime();
        }
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// Adds <paramref name="duration"/> of business time: only time inside the business hours of working days counts, in
    /// this clock's local time. A start outside business hours starts at the next opening. Refused when the count runs past
    /// the calendar's known years.
    /// </summary>
    public DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "business time cannot be negative");
        var remaining = duration;
        var day = DateOnly.FromDateTime(LocalTime(start));
        while (true)
        {
            var year = Calendar.YearOf(day);
            if (year.IsWorkingDay(day))
            {
                var (opens, closes) = (InstantOf(day, year.OpensAt), InstantOf(day, year.ClosesAt));
                if (start < closes)
                {
                    var from = start > opens ? start : opens;
                    var left = closes - from;
                    if (remaining <= left) return (from + remaining).ToUniversalTime();
                    remaining -= left;
                }
            }
            day = day.AddDays(1);
        }
    }

    /// <summary>Whether an instant falls inside business hours (opening and closing times included).</summary>
    public bool IsBusinessTime(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(LocalTime(instant));
        var year = Calendar.YearOf(day);
        return year.IsWorkingDay(day) && instant >= InstantOf(day, year.OpensAt) && instant <= InstantOf(day, year.ClosesAt);
    }

    /// <summary>The next local calendar day after the one <paramref name="after"/> falls on, at local <paramref name="time"/>. Needs no calendar.</summary>
    public DateTimeOffset NextDayAt(DateTimeOffset after, TimeOnly time) =>
        InstantOf(DateOnly.FromDateTime(LocalTime(after)).AddDays(1), time);

    /// <summary>The next working day after the local day <paramref name="after"/> falls on, at local <paramref name="time"/>.</summary>
    public DateTimeOffset NextWorkingDayAt(DateTimeOffset after, TimeOnly time)
    {
        var day = DateOnly.FromDateTime(LocalTime(after)).AddDays(1);
        while (!Calendar.IsWorkingDay(day)) day = day.AddDays(1);
        return InstantOf(day, time);
    }
}

/// <summary>Time zones by IANA id (the zone of a centre or a site).</summary>
public static class TimeZones
{
    public const string Default = "UTC";

    /// <summary>The zone of an IANA id such as "Asia/Shanghai" or "Europe/Berlin"; anything else is refused, naming the field.</summary>
    public static TimeZoneInfo Find(string? ianaId, string field = "time_zone")
    {
        var id = Require.Text(ianaId, field, 64);
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            if (!zone.HasIanaId) throw new InvalidFieldException(field, $"'{id}' is not an IANA time zone id (e.g. Asia/Shanghai)");
            return zone;
        }
        catch (TimeZoneNotFoundException)
        {
            throw new InvalidFieldException(field, $"'{id}' is not a known IANA time zone id (e.g. Asia/Shanghai, Europe/Berlin, UTC)");
        }
        catch (InvalidTimeZoneException)
        {
            throw new InvalidFieldException(field, $"'{id}' is not a usable time zone");
        }
    }
}
