using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Returns.Data;

/// <summary>
/// The returns report as one SQL aggregate over <c>returns</c> (docs/reports.md "Returns"). Out, overdue and unreturned
/// compare the stored deadlines with the clock (the same strict "after" as the domain's flags, so a return exactly at
/// its due time is not yet overdue), so the figures do not wait for the overdue job's next round. Received-at comes from
/// the stored document.
/// </summary>
public sealed class ReturnsReportQuery(NpgsqlDataSource dataSource)
{
    /// <param name="centres">Only returns sent to these centres (null: every centre).</param>
    public async Task<IReadOnlyList<ReturnsReportRow>> RunAsync(
        ReturnsReportGrouping grouping, ReportPeriod period, IReadOnlyCollection<string>? centres, DateTimeOffset now, CancellationToken ct)
    {
        var key = grouping == ReturnsReportGrouping.Engineer ? "engineer_id" : "centre_id";
        await using var cmd = dataSource.CreateCommand(
            $"""
            WITH r AS (
                SELECT engineer_id, centre_id, due_at, unreturned_at, opened_at,
                       state IN ('Open', 'Packed', 'Shipped') AS still_out,
                       (document->>'receivedAt')::timestamptz AS received_at
                FROM returns
                WHERE (@centres::text[] IS NULL OR centre_id = ANY(@centres))
            ),
            counted AS (
                SELECT *, received_at >= @from_utc AND received_at < @to_utc AS received_in_period FROM r
            )
            SELECT {key},
                   count(*) FILTER (WHERE still_out),
                   count(*) FILTER (WHERE still_out AND @now > due_at),
                   count(*) FILTER (WHERE still_out AND @now > unreturned_at),
                   count(*) FILTER (WHERE received_in_period),
                   avg(extract(epoch FROM received_at - opened_at) / 86400.0) FILTER (WHERE received_in_period)
            FROM counted
            WHERE still_out OR received_in_period
            GROUP BY {key}
            ORDER BY {key}
            """);
        cmd.Parameters.AddWithValue("centres", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)centres?.ToArray() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from_utc", new DateTimeOffset(period.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        cmd.Parameters.AddWithValue("to_utc", new DateTimeOffset(period.To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        cmd.Parameters.AddWithValue("now", now);

        var rows = new List<ReturnsReportRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            double? average = reader.IsDBNull(5) ? null : Math.Round((double)reader.GetDecimal(5), 2, MidpointRounding.AwayFromZero);
            rows.Add(new ReturnsReportRow(
                grouping == ReturnsReportGrouping.Engineer ? id : "", grouping == ReturnsReportGrouping.Centre ? id : "",
                reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), average));
        }
        return rows;
    }
}
