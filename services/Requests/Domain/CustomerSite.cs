using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;

namespace Logistics.Requests.Domain;

/// <summary>
/// A customer site as an admin registered it: the IANA time zone and the working calendar its deliver-by deadlines run on
/// (docs/time.md). A site nobody registered runs on its centre's zone and calendar.
/// </summary>
public sealed record CustomerSite(string SiteId, string TimeZone, string CalendarId, long Version, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    /// <summary>Checks an admin's registration; the calendar's existence is checked by the caller against the stored calendars.</summary>
    public static CustomerSite Define(string? siteId, string? timeZone, string? calendarId, string updatedBy, DateTimeOffset at) => new(
        Require.Code(siteId, "site_id"),
        TimeZones.Find(timeZone).Id,
        string.IsNullOrEmpty(calendarId) ? WorkingCalendars.MondayToFridayId : Require.Code(calendarId, "calendar_id"),
        1, updatedBy, at);

    /// <summary>The site after a registration: a new version, or null when nothing changes.</summary>
    public static CustomerSite? Apply(CustomerSite? current, CustomerSite proposed) =>
        current is null ? proposed
        : current.TimeZone == proposed.TimeZone && current.CalendarId == proposed.CalendarId ? null
        : proposed with { Version = current.Version + 1 };
}

/// <summary>The zone and calendar a centre runs on, as inventory's CentreDefined event gave them.</summary>
public sealed record CentreClock(string CentreId, string TimeZone, string CalendarId);
