using Logistics.Requests.Domain;
using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Requests.Data;

public sealed class RequestablePartsTable(NpgsqlDataSource dataSource)
{
    private const string Columns = "part_number, description, serialized, unit, catalogue_version, received_at";

    public async Task<RequestablePart?> FindAsync(string partNumber, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM requestable_parts WHERE part_number = $1");
        cmd.Parameters.Add(new() { Value = partNumber });
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<RequestablePart?> FindForUpdateAsync(NpgsqlTransaction tx, string partNumber, CancellationToken ct)
    {
        await tx.LockAsync("requestable-part:" + partNumber, ct);
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM requestable_parts WHERE part_number = $1", tx.Connection, tx) { Parameters = { new() { Value = partNumber } } };
        return await ReadOneAsync(cmd, ct);
    }

    public async Task SaveAsync(NpgsqlTransaction tx, RequestablePart part, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO requestable_parts ({Columns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (part_number) DO UPDATE SET description = $2, serialized = $3, unit = $4, catalogue_version = $5, received_at = $6
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = part.PartNumber }, new() { Value = part.Description }, new() { Value = part.Serialized },
                new() { Value = part.Unit }, new() { Value = part.CatalogueVersion }, new() { Value = part.ReceivedAt },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<RequestablePart?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new RequestablePart(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3), reader.GetInt64(4),
            reader.GetFieldValue<DateTimeOffset>(5));
    }
}
