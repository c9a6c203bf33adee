using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>Lost-in-transit investigations, one row per shipment; written in the transaction of the change (with its event).</summary>
public sealed class TransitInvestigationsTable(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "i.investigation_id, i.deliver_by, i.opened_at, i.state, i.found_receipt_id, i.closed_at, i.carrier_claim_reference, i.note, " +
        "i.proposed_by, i.proposed_at, i.approved_by, i.approved_at, i.serials, i.quantity";

    private const int ShipmentAt = 14; // where the shipment's columns start in a row of Select

    private static readonly string Select = $"SELECT {Columns}, {ShipmentsTable.ColumnsOf("s")} FROM transit_investigations i JOIN shipments s ON s.reference = i.reference";

    /// <summary>Opens an investigation; one already there for the shipment is kept (returns false).</summary>
    public async Task<bool> InsertAsync(NpgsqlTransaction tx, TransitInvestigation i, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO transit_investigations (investigation_id, reference, state, centre_id, deliver_by, opened_at, serials, quantity)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = i.InvestigationId }, new() { Value = i.Reference }, new() { Value = i.State.ToString() },
                new() { Value = i.Shipment.CentreId }, new() { Value = i.DeliverBy }, new() { Value = i.OpenedAt },
                new() { Value = i.Units.Serials.ToArray() }, new() { Value = i.Units.Quantity },
            },
        };
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task UpdateAsync(NpgsqlTransaction tx, TransitInvestigation i, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            UPDATE transit_investigations SET state = $2, found_receipt_id = $3, closed_at = $4, carrier_claim_reference = $5, note = $6,
                   proposed_by = $7, proposed_at = $8, approved_by = $9, approved_at = $10, serials = $11, quantity = $12
            WHERE investigation_id = $1
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = i.InvestigationId }, new() { Value = i.State.ToString() }, Nullable(i.FoundReceiptId), Nullable(i.ClosedAt),
                Nullable(i.CarrierClaimReference), Nullable(i.Note), Nullable(i.ProposedBy), Nullable(i.ProposedAt), Nullable(i.ApprovedBy),
                Nullable(i.ApprovedAt), new() { Value = i.Units.Serials.ToArray() }, new() { Value = i.Units.Quantity },
            },
        };
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"investigation {i.InvestigationId} is not stored");
    }

    /// <summary>The investigation of a shipment, read in the transaction that holds the reference's lock.</summary>
    public async Task<TransitInvestigation?> FindByReferenceAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"{Select} WHERE i.reference = $1", tx.Connection, tx) { Parameters = { new() { Value = reference } } };
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<string?> ReferenceOfAsync(string investigationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT reference FROM transit_investigations WHERE investigation_id = $1");
        cmd.Parameters.Add(new() { Value = investigationId });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task<TransitInvestigation?> FindAsync(string investigationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"{Select} WHERE i.investigation_id = $1");
        cmd.Parameters.Add(new() { Value = investigationId });
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Open ones (or all), oldest opened first, at the given centres (every centre when null), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<TransitInvestigation>> ListAsync(bool openOnly, IReadOnlyCollection<string>? centres, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            {Select}
            WHERE ($1 = false OR i.state IN ('Open', 'LossProposed')) AND ($2::text[] IS NULL OR i.centre_id = ANY ($2))
            ORDER BY i.state IN ('Open', 'LossProposed') DESC, i.opened_at, i.investigation_id LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = openOnly });
        cmd.Parameters.Add(new() { Value = (object?)centres?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// Keeps a receipt step heard for a transfer: the first step's name, who and when (later ones change them not), and
    /// the lowest count of units still in transit announced (it only falls, so any order of the steps ends the same).
    /// Returns that lowest count.
    /// </summary>
    public async Task<int> RecordTransferReceiptAsync(
        NpgsqlTransaction tx, string reference, string step, string by, DateTimeOffset at, int stillInTransit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO transfer_receipt_steps AS t (reference, step, received_by, received_at, still_in_transit) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (reference) DO UPDATE SET still_in_transit = LEAST(t.still_in_transit, EXCLUDED.still_in_transit)
            RETURNING t.still_in_transit
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = reference }, new() { Value = step }, new() { Value = by }, new() { Value = at }, new() { Value = Math.Max(stillInTransit, 0) },
            },
        };
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The lowest count of a transfer's units still in transit that inventory announced; null before any receipt step.</summary>
    public async Task<int?> StillInTransitAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT still_in_transit FROM transfer_receipt_steps WHERE reference = $1", tx.Connection, tx)
        {
            Parameters = { new() { Value = reference } },
        };
        return await cmd.ExecuteScalarAsync(ct) as int?;
    }

    private static NpgsqlParameter Nullable(object? value) => new() { Value = value ?? DBNull.Value };

    private static async Task<IReadOnlyList<TransitInvestigation>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var found = new List<TransitInvestigation>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            var units = new OutstandingUnits(reader.GetFieldValue<string[]>(12), reader.GetInt32(13));
            found.Add(TransitInvestigation.Restore(
                reader.GetString(0), ShipmentsTable.Read(reader, ShipmentAt), units, reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2), Enum.Parse<InvestigationState>(reader.GetString(3)), Text(4), Time(5), Text(6), Text(7), Text(8),
                Time(9), Text(10), Time(11)));
        }
        return found;
    }
}
