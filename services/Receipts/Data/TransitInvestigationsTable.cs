using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>Lost-in-transit investigations, one row per shipment; written in the transaction of the change (with its event).</summary>
public sealed class TransitInvestigationsTable(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "i.investigation_id, i.deliver_by, i.opened_at, i.state, i.found_receipt_id, i.closed_at, i.carrier_claim_reference, i.note, " +
        "i.proposed_by, i.proposed_at, i.approved_by, i.approved_at";

    private static readonly string Select = $"SELECT {Columns}, {ShipmentsTable.ColumnsOf("s")} FROM transit_investigations i JOIN shipments s ON s.reference = i.reference";

    /// <summary>Opens an investigation; one already there for the shipment is kept (returns false).</summary>
    public async Task<bool> InsertAsync(NpgsqlTransaction tx, TransitInvestigation i, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO transit_investigations (investigation_id, reference, state, centre_id, deliver_by, opened_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = i.InvestigationId }, new() { Value = i.Reference }, new() { Value = i.State.ToString() },
                new() { Value = i.Shipment.CentreId }, new() { Value = i.DeliverBy }, new() { Value = i.OpenedAt },
            },
        };
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task UpdateAsync(NpgsqlTransaction tx, TransitInvestigation i, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            UPDATE transit_investigations SET state = $2, found_receipt_id = $3, closed_at = $4, carrier_claim_reference = $5, note = $6,
                   proposed_by = $7, proposed_at = $8, approved_by = $9, approved_at = $10
            WHERE investigation_id = $1
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = i.InvestigationId }, new() { Value = i.State.ToString() }, Nullable(i.FoundReceiptId), Nullable(i.ClosedAt),
                Nullable(i.CarrierClaimReference), Nullable(i.Note), Nullable(i.ProposedBy), Nullable(i.ProposedAt), Nullable(i.ApprovedBy),
                Nullable(i.ApprovedAt),
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

    /// <summary>Keeps the first receipt step heard for a transfer (later ones change nothing); true when it was the first.</summary>
    public async Task<bool> RecordTransferReceiptAsync(NpgsqlTransaction tx, string reference, string step, string by, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO transfer_receipt_steps (reference, step, received_by, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (reference) DO NOTHING",
            tx.Connection, tx)
        {
            Parameters = { new() { Value = reference }, new() { Value = step }, new() { Value = by }, new() { Value = at } },
        };
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Whether inventory announced any receipt step on a transfer (its reference).</summary>
    public async Task<bool> TransferReceivedAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM transfer_receipt_steps WHERE reference = $1)", tx.Connection, tx)
        {
            Parameters = { new() { Value = reference } },
        };
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// References of shipments to engineers, and of transfers between centres, past deliver-by + grace with nothing signed
    /// (no receipt step) on them and no investigation yet.
    /// </summary>
    public async Task<IReadOnlyList<string>> OverdueAsync(DateTimeOffset deliverByBefore, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT s.reference FROM shipments s
            WHERE (NOT s.addressed_to_centre OR s.kind = 'centre-to-centre') AND s.deliver_by IS NOT NULL AND s.deliver_by < $1
              AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.reference = s.reference)
              AND NOT EXISTS (SELECT 1 FROM transfer_receipt_steps t WHERE t.reference = s.reference)
              AND NOT EXISTS (SELECT 1 FROM transit_investigations i WHERE i.reference = s.reference)
            ORDER BY s.deliver_by LIMIT $2
            """);
        cmd.Parameters.Add(new() { Value = deliverByBefore });
        cmd.Parameters.Add(new() { Value = limit });
        var references = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) references.Add(reader.GetString(0));
        return references;
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
            found.Add(TransitInvestigation.Restore(
                reader.GetString(0), ShipmentsTable.Read(reader, 12), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2),
                Enum.Parse<InvestigationState>(reader.GetString(3)), Text(4), Time(5), Text(6), Text(7), Text(8), Time(9), Text(10), Time(11)));
        }
        return found;
    }
}
