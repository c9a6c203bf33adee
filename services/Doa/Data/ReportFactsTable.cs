using Logistics.Doa.Domain;
using NpgsqlTypes;
using Npgsql;

namespace Logistics.Doa.Data;

/// <summary>
/// What the DOA report groups by, kept from inventory's events (part → supplier, serial → batch), and the report's query.
/// Writes are upserts that a redelivered event repeats without change; a stale event (an older catalogue version, an
/// earlier goods-in) changes nothing.
/// </summary>
public sealed class ReportFactsTable(NpgsqlDataSource dataSource)
{
    public static async Task SaveSupplierAsync(NpgsqlTransaction tx, string partNumber, string supplier, long version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO part_suppliers (part_number, supplier, version) VALUES ($1, $2, $3)
            ON CONFLICT (part_number) DO UPDATE SET supplier = EXCLUDED.supplier, version = EXCLUDED.version
            WHERE part_suppliers.version < EXCLUDED.version
            """, tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = supplier }, new() { Value = version } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task SaveBatchAsync(NpgsqlTransaction tx, string partNumber, string serial, string batch, DateTimeOffset receivedAt,
        string movementId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO serial_batches (part_number, serial, batch, received_at, movement_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (part_number, serial) DO UPDATE SET batch = EXCLUDED.batch, received_at = EXCLUDED.received_at, movement_id = EXCLUDED.movement_id
            WHERE serial_batches.received_at < EXCLUDED.received_at
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = partNumber }, new() { Value = serial }, new() { Value = batch }, new() { Value = receivedAt }, new() { Value = movementId },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Deliveries in the range and the claims (not Rejected) on deliveries in the range, counted by the delivery's ISO week
    /// (Monday, UTC), part, centre, supplier, batch and (claims) cause. <paramref name="centres"/>: null for every centre.
    /// </summary>
    public async Task<IReadOnlyList<DoaFact>> FactsAsync(DoaReportRange range, IReadOnlyCollection<string>? centres, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            WITH facts AS (
                SELECT false AS is_claim, d.delivered_at AS delivered_at, d.part_number, d.serial, d.centre_id, '' AS cause
                FROM deliveries d
                WHERE d.delivered_at >= $1 AND d.delivered_at < $2 AND ($3::text[] IS NULL OR d.centre_id = ANY($3))
                UNION ALL
                SELECT true, c.delivered_at, c.part_number, c.serial, c.centre_id, c.cause
                FROM (SELECT (document->>'deliveredAt')::timestamptz AS delivered_at, part_number, serial,
                             document->>'centreId' AS centre_id, coalesce(document->>'cause', '') AS cause
                      FROM doa_claims WHERE state <> 'Rejected') c
                WHERE c.delivered_at >= $1 AND c.delivered_at < $2 AND ($3::text[] IS NULL OR c.centre_id = ANY($3))
            )
            SELECT f.is_claim, date_trunc('week', f.delivered_at AT TIME ZONE 'UTC')::date, f.part_number, f.centre_id,
                   coalesce(s.supplier, ''), coalesce(b.batch, ''), f.cause, count(*)
            FROM facts f
            LEFT JOIN part_suppliers s ON s.part_number = f.part_number
            LEFT JOIN serial_batches b ON b.part_number = f.part_number AND b.serial = f.serial
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """, conn)
        {
            Parameters =
            {
                new() { Value = range.From }, new() { Value = range.To },
                new() { Value = (object?)centres?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            },
        };
        var facts = new List<DoaFact>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var isClaim = reader.GetBoolean(0);
            facts.Add(new DoaFact(isClaim, reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), isClaim ? CauseCode(reader.GetString(6)) : "", reader.GetInt64(7)));
        }
        return facts;
    }

    /// <summary>The claim document keeps the cause by its enum name; the report speaks the wire code.</summary>
    private static string CauseCode(string name) => Enum.TryParse<DoaCause>(name, ignoreCase: true, out var cause) ? cause.Code() : "";
}
