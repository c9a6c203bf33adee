using System.Globalization;

namespace Logistics.SharedKernel;

/// <summary>
/// The window a date given by a client (a fault date on a tag, a first power-on, a site acceptance) must fall in to be
/// believed: not before <see cref="Earliest"/> (2000-01-01 UTC: no part this business ships or takes back is older, so
/// 0001-01-01 is a default value or a forgery, never a fact), and not later than the caller's "now" plus a tolerance
/// that each rule states (a clock skew for times, a day for a calendar date written in the site's own time zone).
/// </summary>
public static class ClientDates
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A calendar date written by hand on site (a fault tag): may read a day ahead of UTC.</summary>
    public static readonly TimeSpan CalendarDateTolerance = TimeSpan.FromDays(1);

    /// <summary>The date, or <see cref="InvalidFieldException"/> naming <paramref name="field"/> when it is outside [Earliest, latest].</summary>
    public static DateTimeOffset Check(DateTimeOffset value, DateTimeOffset latest, string field)
    {
        if (value < Earliest) throw new InvalidFieldException(field, $"{Show(value)} is before {Show(Earliest)}: no part in service is that old");
        if (value > latest) throw new InvalidFieldException(field, $"{Show(value)} is in the future");
        return value;
    }

    private static string Show(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
