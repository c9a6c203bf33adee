using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>The handovers this service expects, one per reference, written once from the sender's event.</summary>
public sealed class ShipmentsTable(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "reference, kind, addressed_to, addressed_to_centre, handed_over_by, centre_id, part_number, site_id, serials, quantity, faulty, doa_claim_id, shipped_at";

    /// <summary>Records a shipment; one already known for the reference is kept as it was (returns false).</summary>
    public async Task<bool> AddAsync(NpgsqlTransaction tx, Shipment shipment, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO shipments ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (reference) DO NOTHING",
            tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = shipment.Reference }, new() { Value = shipment.Kind.Code() }, new() { Value = shipment.AddressedTo.Party },
                new() { Value = shipment.AddressedTo.IsCentre }, new() { Value = shipment.HandedOverBy }, new() { Value = shipment.CentreId },
                new() { Value = shipment.PartNumber }, new() { Value = shipment.SiteId }, new() { Value = shipment.Serials.ToArray() },
                new() { Value = shipment.Quantity }, new() { Value = shipment.Faulty }, new() { Value = shipment.DoaClaimId },
                new() { Value = shipment.ShippedAt },
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
        var party = reader.GetString(2);
        return new Shipment(
            reader.GetString(0), ReceiptCodes.ParseKind(reader.GetString(1)), reader.GetBoolean(3) ? Addressee.Centre(party) : Addressee.Engineer(party),
            reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<string[]>(8), reader.GetInt32(9),
            reader.GetBoolean(10), reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12));
    }
}
