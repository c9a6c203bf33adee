using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>The handovers this service expects, one per reference, written once from the sender's event.</summary>
public sealed class ShipmentsTable(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "reference, kind, addressed_to, addressed_to_centre, handed_over_by, centre_id, part_number, site_id, serials, quantity, faulty, doa_claim_id, shipped_at, deliver_by";

    /// <summary>Records a shipment; one already known for the reference is kept as it was (returns false).</summary>
    public async Task<bool> AddAsync(NpgsqlTransaction tx, Shipment shipment, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO shipments ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (reference) DO NOTHING",
            tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = shipment.Reference }, new() { Value = shipment.Kind.Code() }, new() { Value = shipment.AddressedTo.Party },
                new() { Value = shipment.AddressedTo.IsCentre }, new() { Value = shipment.HandedOverBy }, new() { Value = shipment.CentreId },
                new() { Value = shipment.PartNumber }, new() { Value = shipment.SiteId }, new() { Value = shipment.Serials.ToArray() },
                new() { Value = shipment.Quantity }, new() { Value = shipment.Faulty }, new() { Value = shipment.DoaClaimId },
                new() { Value = shipment.ShippedAt }, new() { Value = (object?)shipment.DeliverBy ?? DBNull.Value },
            },
        };
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<Shipment?> FindAsync(string reference, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM shipments WHERE reference = $1");
        cmd.Parameters.Add(new() { Value = reference });
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<Shipment?> FindAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM shipments WHERE reference = $1", tx.Connection, tx) { Parameters = { new() { Value = reference } } };
        return await ReadOneAsync(cmd, ct);
    }

    private static async Task<Shipment?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return Read(reader);
    }

    /// <summary>A shipment from a row whose first columns are <see cref="Columns"/> (also read by the investigations).</summary>
    internal static Shipment Read(NpgsqlDataReader reader, int at = 0)
    {
        string Str(int i) => reader.GetString(at + i);
        var party = Str(2);
        return new Shipment(
            Str(0), ReceiptCodes.ParseKind(Str(1)), reader.GetBoolean(at + 3) ? Addressee.Centre(party) : Addressee.Engineer(party),
            Str(4), Str(5), Str(6), Str(7), reader.GetFieldValue<string[]>(at + 8), reader.GetInt32(at + 9),
            reader.GetBoolean(at + 10), Str(11), reader.GetFieldValue<DateTimeOffset>(at + 12))
        {
            DeliverBy = reader.IsDBNull(at + 13) ? null : reader.GetFieldValue<DateTimeOffset>(at + 13),
        };
    }

    /// <summary>The column list, for queries that join shipments (prefixed with the table's alias).</summary>
    internal static string ColumnsOf(string alias) => string.Join(", ", Columns.Split(", ").Select(c => alias + "." + c));
}
