using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Requests.Data;

/// <summary>
/// The service-level report as one SQL aggregate over <c>part_requests</c> (docs/reports.md "Service levels"). Each
/// request gives two deadlines, counted separately in the week each falls in, read in its centre's zone (from
/// <c>known_centres</c>; UTC for a centre not heard of). Shipped-at and delivered-at come from the stored document:
/// the shipment's time, and the last transition to Delivered. A request lost in transit missed its deliver-by, whatever
/// the clock says.
/// </summary>
public sealed class ServiceLevelReportQuery(NpgsqlDataSource dataSource)
{
    /// <param name="centres">Only these centres (null: every centre).</param>
    /// <param name="serviceLevel">Only this service level's code (null: every level).</param>
    public async Task<IReadOnlyList<ServiceLevelReportRow>> RunAsync(
        ReportPeriod period, IReadOnlyCollection<string>? centres, string? serviceLevel, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            WITH request AS (
                SELECT p.centre_id, p.document->>'serviceLevel' AS service_level, p.ship_by, p.deliver_by, p.state = 'LostInTransit' AS lost,
                       (p.document->'shipment'->>'shippedAt')::timestamptz AS shipped_at,
                       (SELECT max((t->>'at')::timestamptz) FROM jsonb_array_elements(p.document->'history') t
                         WHERE t->>'to' = 'Delivered') AS delivered_at,
                       COALESCE(c.time_zone, 'UTC') AS zone
                FROM part_requests p LEFT JOIN known_centres c ON c.centre_id = p.centre_id
                WHERE p.state NOT IN ('Rejected', 'Cancelled')
                  AND (@centres::text[] IS NULL OR p.centre_id = ANY(@centres))
                  AND (@level::text IS NULL OR p.document->>'serviceLevel' = @level)
                  -- a cheap bound in UTC first (no zone is more than 14 h from UTC), the exact local dates below
                  AND (p.ship_by >= @from_utc OR p.deliver_by >= @from_utc)
                  AND (p.ship_by < @to_utc OR p.deliver_by < @to_utc)
            ),
            deadline AS (
                SELECT centre_id, service_level, (ship_by AT TIME ZONE zone) AS local_due,
                       CASE WHEN shipped_at <= ship_by THEN 'on_time'
                            WHEN shipped_at > ship_by OR @now > ship_by THEN 'late' END AS outcome, 'ship' AS kind
                FROM request
                UNION ALL
                SELECT centre_id, service_level, (deliver_by AT TIME ZONE zone),
                       CASE WHEN lost THEN 'late'
                            WHEN delivered_at <= deliver_by THEN 'on_time'
                            WHEN delivered_at > deliver_by OR @now > deliver_by THEN 'late' END, 'deliver'
                FROM request
            )
            SELECT date_trunc('week', local_due)::date AS week_start, to_char(local_due, 'IYYY-"W"IW') AS iso_week,
                   centre_id, service_level,
                   count(*) FILTER (WHERE kind = 'ship' AND outcome = 'on_time'),
                   count(*) FILTER (WHERE kind = 'ship' AND outcome = 'late'),
                   count(*) FILTER (WHERE kind = 'deliver' AND outcome = 'on_time'),
                   count(*) FILTER (WHERE kind = 'deliver' AND outcome = 'late')
            FROM deadline
            WHERE outcome IS NOT NULL AND local_due::date BETWEEN @from AND @to
            GROUP BY 1, 2, 3, 4
            ORDER BY 1, 3, 4
            """);
        cmd.Parameters.AddWithValue("centres", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, (object?)centres?.ToArray() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("level", NpgsqlTypes.NpgsqlDbType.Text, (object?)serviceLevel ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from", period.From);
        cmd.Parameters.AddWithValue("to", period.To);
        cmd.Parameters.AddWithValue("from_utc", new DateTimeOffset(period.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1));
        cmd.Parameters.AddWithValue("to_utc", new DateTimeOffset(period.To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(2));
        cmd.Parameters.AddWithValue("now", now);

        var rows = new List<ServiceLevelReportRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ServiceLevelReportRow(
                reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
        }
        return rows;
    }
}
