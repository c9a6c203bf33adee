using Logistics.Requests.Domain;
using Logistics.SharedKernel.Time;
using Npgsql;

namespace Logistics.Requests.Data;

/// <summary>The centres requests has heard of (CentreDefined); a newer version replaces an older one, never the reverse.</summary>
public sealed class KnownCentresTable(NpgsqlDataSource dataSource)
{
    public async Task<bool> ExistsAsync(string centreId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1 FROM known_centres WHERE centre_id = $1");
        cmd.Parameters.Add(new() { Value = centreId });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>The centre's zone and calendar, or null for a centre not heard of.</summary>
    public async Task<CentreClock?> FindClockAsync(string centreId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT time_zone, calendar_id FROM known_centres WHERE centre_id = $1");
        cmd.Parameters.Add(new() { Value = centreId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new CentreClock(centreId, reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>An empty zone or calendar (an event from before zones) stands for UTC and the Monday-Friday calendar.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, string centreId, string name, long version, string timeZone, string calendarId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO known_centres (centre_id, name, version, time_zone, calendar_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (centre_id) DO UPDATE SET name = $2, version = $3, time_zone = $4, calendar_id = $5 WHERE known_centres.version < $3
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = centreId }, new() { Value = name }, new() { Value = version },
                new() { Value = string.IsNullOrEmpty(timeZone) ? TimeZones.Default : timeZone },
                new() { Value = string.IsNullOrEmpty(calendarId) ? WorkingCalendars.MondayToFridayId : calendarId },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
