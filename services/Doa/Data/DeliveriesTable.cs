using Logistics.Doa.Domain;
using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Doa.Data;

/// <summary>The latest delivery of each unit (from receipt-signed), which filing judges eligibility on.</summary>
public sealed class DeliveriesTable
{
    private const string Columns = "serial, request_id, part_number, centre_id, site_id, engineer_id, delivered_at, receipt_id";

    /// <summary>The delivery of <paramref name="serial"/> on <paramref name="requestId"/>, if that is its latest delivery.</summary>
    public async Task<Delivery?> FindAsync(NpgsqlTransaction tx, string serial, string requestId, CancellationToken ct)
    {
        // Two parts sharing a serial on one request is not a real case; the first by part number is taken, deterministically.
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM deliveries WHERE serial = $1 AND request_id = $2 ORDER BY part_number LIMIT 1", tx.Connection, tx)
        { Parameters = { new() { Value = serial }, new() { Value = requestId } } };
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>Reads a unit's delivery holding a lock on the unit until commit (also when there is none yet).</summary>
    public async Task<Delivery?> FindForUpdateAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await tx.LockAsync($"delivery:{partNumber}\n{serial}", ct);
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM deliveries WHERE part_number = $1 AND serial = $2", tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = serial } } };
        return await ReadOneAsync(cmd, ct);
    }

    public async Task SaveAsync(NpgsqlTransaction tx, Delivery d, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO deliveries ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (part_number, serial) DO UPDATE
            SET request_id = $2, centre_id = $4, site_id = $5, engineer_id = $6, delivered_at = $7, receipt_id = $8
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = d.Serial }, new() { Value = d.RequestId }, new() { Value = d.PartNumber }, new() { Value = d.CentreId },
                new() { Value = d.SiteId }, new() { Value = d.EngineerId }, new() { Value = d.DeliveredAt }, new() { Value = d.ReceiptId },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A correction withdrew the serial: the delivery goes if (and only if) the superseded receipt made it, and the
    /// withdrawal is kept (with the delivery's time when it was there) for a delivery that arrives after it.
    /// </summary>
    public async Task WithdrawAsync(NpgsqlTransaction tx, string partNumber, string serial, string supersededReceiptId, CancellationToken ct)
    {
        await tx.LockAsync($"delivery:{partNumber}\n{serial}", ct);
        await using var cmd = new NpgsqlCommand(
            """
            WITH gone AS (DELETE FROM deliveries WHERE part_number = $1 AND serial = $2 AND receipt_id = $3 RETURNING delivered_at)
            INSERT INTO withdrawn_deliveries (part_number, serial, receipt_id, delivered_at) VALUES ($1, $2, $3, (SELECT delivered_at FROM gone))
            ON CONFLICT (part_number, serial, receipt_id) DO UPDATE SET delivered_at = coalesce(withdrawn_deliveries.delivered_at, EXCLUDED.delivered_at)
            """, tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = serial }, new() { Value = supersededReceiptId } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether a correction withdrew this delivery (its receipt), noting the delivery's time on the withdrawal.</summary>
    public async Task<bool> WasWithdrawnAsync(NpgsqlTransaction tx, Delivery d, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE withdrawn_deliveries SET delivered_at = $4 WHERE part_number = $1 AND serial = $2 AND receipt_id = $3",
            tx.Connection, tx)
        { Parameters = { new() { Value = d.PartNumber }, new() { Value = d.Serial }, new() { Value = d.ReceiptId }, new() { Value = d.DeliveredAt } } };
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The latest time of a withdrawn delivery of the unit, if any is known.</summary>
    public async Task<DateTimeOffset?> LatestWithdrawnAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT max(delivered_at) FROM withdrawn_deliveries WHERE part_number = $1 AND serial = $2", tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = serial } } };
        return await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    public async Task DeleteAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM deliveries WHERE part_number = $1 AND serial = $2", tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = serial } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Delivery?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Delivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7));
    }
}
