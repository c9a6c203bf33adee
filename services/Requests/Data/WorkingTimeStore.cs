using System.Collections.Concurrent;
using Logistics.Hosting.Data;
using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Requests.Data;

/// <summary>A calendar version as stored: who defined it and when (null for a shipped calendar nobody changed yet).</summary>
public sealed record StoredCalendar(WorkingCalendar Calendar, string DefinedBy, DateTimeOffset? DefinedAt);

/// <summary>
/// Working calendars (one row per version), registered customer sites, and the clocks a request's deadlines run on. A
/// shipped calendar (<see cref="WorkingCalendars.Shipped"/>) is version 1 until an admin stores a version of it.
/// </summary>
public sealed class WorkingTimeStore(NpgsqlDataSource dataSource, KnownCentresTable centres)
{
    // Versions never change, so a parsed version can be kept.
    private readonly ConcurrentDictionary<(string, long), WorkingCalendar> _parsed = new();

    /// <summary>The latest version (or <paramref name="version"/>), or null when there is no such calendar.</summary>
    public async Task<StoredCalendar?> FindCalendarAsync(string calendarId, long version, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT version, definition::text, defined_by, defined_at FROM calendars
            WHERE calendar_id = $1 AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1
            """);
        cmd.Parameters.Add(new() { Value = calendarId });
        cmd.Parameters.Add(new() { Value = version });
        return await ReadAsync(cmd, calendarId, ct) ?? Shipped(calendarId, version);
    }

    /// <summary>The latest version inside a command's transaction, holding a lock on the calendar's id until commit.</summary>
    public async Task<StoredCalendar?> FindCalendarForUpdateAsync(NpgsqlTransaction tx, string calendarId, CancellationToken ct)
    {
        await tx.LockAsync("calendar:" + calendarId, ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT version, definition::text, defined_by, defined_at FROM calendars WHERE calendar_id = $1 ORDER BY version DESC LIMIT 1",
            tx.Connection, tx) { Parameters = { new() { Value = calendarId } } };
        return await ReadAsync(cmd, calendarId, ct) ?? Shipped(calendarId, 0);
    }

    public async Task<bool> CalendarExistsAsync(string calendarId, CancellationToken ct) => await FindCalendarAsync(calendarId, 0, ct) is not null;

    public async Task SaveCalendarAsync(NpgsqlTransaction tx, WorkingCalendar calendar, string definedBy, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO calendars (calendar_id, version, definition, defined_by, defined_at) VALUES ($1, $2, $3, $4, $5)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = calendar.CalendarId }, new() { Value = calendar.Version },
                new() { Value = CalendarJson.Write(calendar), NpgsqlDbType = NpgsqlDbType.Jsonb }, new() { Value = definedBy }, new() { Value = at },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<CustomerSite?> FindSiteAsync(string siteId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT site_id, time_zone, calendar_id, version, updated_by, updated_at FROM sites WHERE site_id = $1");
        cmd.Parameters.Add(new() { Value = siteId });
        return await ReadSiteAsync(cmd, ct);
    }

    public async Task<CustomerSite?> FindSiteForUpdateAsync(NpgsqlTransaction tx, string siteId, CancellationToken ct)
    {
        await tx.LockAsync("site:" + siteId, ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT site_id, time_zone, calendar_id, version, updated_by, updated_at FROM sites WHERE site_id = $1", tx.Connection, tx)
        { Parameters = { new() { Value = siteId } } };
        return await ReadSiteAsync(cmd, ct);
    }

    public async Task SaveSiteAsync(NpgsqlTransaction tx, CustomerSite site, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO sites (site_id, time_zone, calendar_id, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (site_id) DO UPDATE SET time_zone = $2, calendar_id = $3, version = $4, updated_by = $5, updated_at = $6
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = site.SiteId }, new() { Value = site.TimeZone }, new() { Value = site.CalendarId },
                new() { Value = site.Version }, new() { Value = site.UpdatedBy }, new() { Value = site.UpdatedAt },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The clocks of a new request: ship-by on the centre's zone and latest calendar, deliver-by on the site's (the
    /// centre's when the site is not registered). Ids that are not valid codes, or a centre not heard of, get UTC clocks:
    /// the domain and the centre check then refuse the request with the right error.
    /// </summary>
    public async Task<DeadlineClocks> ClocksForAsync(string? centreId, string? siteId, CancellationToken ct)
    {
        if (!IsCode(centreId) || !IsCode(siteId)) return DeadlineClocks.Utc;
        var centre = await centres.FindClockAsync(centreId!.Trim(), ct);
        if (centre is null) return DeadlineClocks.Utc;
        var centreClock = await ClockAsync(centre.TimeZone, centre.CalendarId, $"centre {centre.CentreId}", ct);
        var site = await FindSiteAsync(siteId!.Trim(), ct);
        var siteClock = site is null ? centreClock : await ClockAsync(site.TimeZone, site.CalendarId, $"site {site.SiteId}", ct);
        return new DeadlineClocks(centreClock, siteClock);
    }

    private async Task<LocalClock> ClockAsync(string timeZone, string calendarId, string owner, CancellationToken ct)
    {
        var calendar = await FindCalendarAsync(calendarId, 0, ct)
            ?? throw new RuleViolationException($"{owner} runs on working calendar '{calendarId}', which is not defined (an admin defines it with PUT /api/v1/calendars/{calendarId})");
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone); }
        catch (TimeZoneNotFoundException) { throw new RuleViolationException($"{owner} has time zone '{timeZone}', which this system does not know"); }
        return new LocalClock(zone, calendar.Calendar);
    }

    private static bool IsCode(string? id)
    {
        try { Require.Code(id, "id"); return true; }
        catch (InvalidFieldException) { return false; }
    }

    private static StoredCalendar? Shipped(string calendarId, long version) =>
        WorkingCalendars.Shipped.FirstOrDefault(c => c.CalendarId == calendarId && (version is 0 or 1)) is { } shipped
            ? new StoredCalendar(shipped, "", null)
            : null;

    private async Task<StoredCalendar?> ReadAsync(NpgsqlCommand cmd, string calendarId, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var version = reader.GetInt64(0);
        var json = reader.GetString(1);
        var calendar = _parsed.GetOrAdd((calendarId, version), _ => CalendarJson.Parse(json, version));
        return new StoredCalendar(calendar, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
    }

    private static async Task<CustomerSite?> ReadSiteAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CustomerSite(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5));
    }
}
