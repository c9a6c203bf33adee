using System.Text.Json;
using Logistics.Receipts.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Receipts.Data;

/// <summary>
/// Signed receipts. A row is inserted once with everything signed; the only later write is the supersede mark
/// (and a trigger in Postgres refuses any other update, and every delete).
/// </summary>
public sealed class ReceiptsTable(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "receipt_id, kind, reference, handed_over_by, received_by, signed_at, serials, quantity, outer_intact, esd_bag_sealed, condition, note, " +
        "dead_on_arrival, accepted_serials, accepted_quantity, discrepancies, missing_serials, outstanding_serials, newly_signed_serials, " +
        "newly_signed_quantity, withdrawn_serials, supersedes, corrected_by, superseded_by, superseded_at";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task InsertAsync(NpgsqlTransaction tx, Receipt r, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO receipts ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, NULL, NULL)
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = r.ReceiptId }, new() { Value = r.Kind.Code() }, new() { Value = r.Reference }, new() { Value = r.HandedOverBy },
                new() { Value = r.ReceivedBy }, new() { Value = r.SignedAt }, new() { Value = r.Serials.ToArray() }, new() { Value = r.Quantity },
                new() { Value = r.Packaging.OuterIntact }, new() { Value = r.Packaging.EsdBagSealed }, new() { Value = r.Condition.Code() },
                new() { Value = r.Note }, new() { Value = r.DeadOnArrival }, new() { Value = r.AcceptedSerials.ToArray() },
                new() { Value = r.AcceptedQuantity },
                new() { Value = JsonSerializer.Serialize(r.Discrepancies, Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = r.MissingSerials.ToArray() }, new() { Value = r.OutstandingSerials.ToArray() },
                new() { Value = r.NewlySignedSerials.ToArray() }, new() { Value = r.NewlySignedQuantity }, new() { Value = r.WithdrawnSerials.ToArray() },
                new() { Value = (object?)r.Supersedes ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)r.CorrectedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks a receipt superseded by its correction: the one change a signed receipt takes, and only once.</summary>
    public async Task MarkSupersededAsync(NpgsqlTransaction tx, Receipt superseded, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE receipts SET superseded_by = $2, superseded_at = $3 WHERE receipt_id = $1 AND superseded_by IS NULL", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = superseded.ReceiptId },
                new() { Value = superseded.SupersededBy ?? throw new InvalidOperationException($"receipt {superseded.ReceiptId} is not superseded") },
                new() { Value = superseded.SupersededAt!.Value },
            },
        };
        // The reference is locked while correcting, so the receipt cannot have been superseded meanwhile.
        if (await cmd.ExecuteNonQueryAsync(ct) != 1)
            throw new InvalidOperationException($"receipt {superseded.ReceiptId} was superseded concurrently");
    }

    public async Task<Receipt?> FindAsync(string receiptId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM receipts WHERE receipt_id = $1");
        cmd.Parameters.Add(new() { Value = receiptId });
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>The reference of a receipt, read in a command's transaction (before locking that reference).</summary>
    public async Task<string?> ReferenceOfAsync(NpgsqlTransaction tx, string receiptId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT reference FROM receipts WHERE receipt_id = $1", tx.Connection, tx) { Parameters = { new() { Value = receiptId } } };
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Every receipt of a reference, superseded ones too, oldest first.</summary>
    public async Task<IReadOnlyList<Receipt>> ListAsync(string reference, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM receipts WHERE reference = $1 ORDER BY seq");
        cmd.Parameters.Add(new() { Value = reference });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Every receipt of a reference, oldest first, read in a command's transaction (the reference locked).</summary>
    public async Task<IReadOnlyList<Receipt>> ListAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM receipts WHERE reference = $1 ORDER BY seq", tx.Connection, tx)
        { Parameters = { new() { Value = reference } } };
        return await ReadAsync(cmd, ct);
    }

    private static async Task<IReadOnlyList<Receipt>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var receipts = new List<Receipt>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            receipts.Add(Receipt.Restore(
                receiptId: reader.GetString(0),
                kind: ReceiptCodes.ParseKind(reader.GetString(1)),
                reference: reader.GetString(2),
                handedOverBy: reader.GetString(3),
                receivedBy: reader.GetString(4),
                signedAt: reader.GetFieldValue<DateTimeOffset>(5),
                serials: reader.GetFieldValue<string[]>(6),
                quantity: reader.GetInt32(7),
                packaging: new PackagingCheck(reader.GetBoolean(8), reader.GetBoolean(9)),
                condition: ReceiptCodes.ParseCondition(reader.GetString(10)),
                note: reader.GetString(11),
                deadOnArrival: reader.GetBoolean(12),
                acceptedSerials: reader.GetFieldValue<string[]>(13),
                acceptedQuantity: reader.GetInt32(14),
                discrepancies: JsonSerializer.Deserialize<List<ReceiptDiscrepancy>>(reader.GetString(15), Json) ?? [],
                missingSerials: reader.GetFieldValue<string[]>(16),
                outstandingSerials: reader.GetFieldValue<string[]>(17),
                newlySignedSerials: reader.GetFieldValue<string[]>(18),
                newlySignedQuantity: reader.GetInt32(19),
                withdrawnSerials: reader.GetFieldValue<string[]>(20),
                supersedes: reader.IsDBNull(21) ? null : reader.GetString(21),
                correctedBy: reader.IsDBNull(22) ? null : reader.GetString(22),
                supersededBy: reader.IsDBNull(23) ? null : reader.GetString(23),
                supersededAt: reader.IsDBNull(24) ? null : reader.GetFieldValue<DateTimeOffset>(24)));
        }
        return receipts;
    }
}
