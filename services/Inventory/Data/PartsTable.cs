using Logistics.Inventory.Domain;
using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Inventory.Data;

public sealed class PartsTable(NpgsqlDataSource dataSource)
{
    private const string Columns = "part_number, description, serialized, unit, version, updated_at, supplier";

    public async Task<CataloguePart?> FindAsync(string partNumber, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM parts WHERE part_number = $1");
        cmd.Parameters.Add(new() { Value = partNumber });
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>A page of the search, by part_number; one row more than the page is read to know whether another page follows.</summary>
    public async Task<(IReadOnlyList<CataloguePart> Page, bool More)> SearchAsync(CatalogueSearch search, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT {Columns} FROM parts WHERE (part_number ILIKE $1 OR description ILIKE $1) AND part_number > $2 ORDER BY part_number LIMIT $3");
        cmd.Parameters.Add(new() { Value = search.LikePattern });
        cmd.Parameters.Add(new() { Value = search.After });
        cmd.Parameters.Add(new() { Value = search.PageSize + 1 });
        var rows = new List<CataloguePart>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Read(reader));
        return rows.Count > search.PageSize ? (rows[..search.PageSize], true) : (rows, false);
    }

    /// <summary>Reads a part inside a command's transaction, holding a lock on its part number until commit (also when it does not exist yet).</summary>
    public async Task<CataloguePart?> FindForUpdateAsync(NpgsqlTransaction tx, string partNumber, CancellationToken ct)
    {
        await tx.LockAsync("part:" + partNumber, ct);
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM parts WHERE part_number = $1", tx.Connection, tx) { Parameters = { new() { Value = partNumber } } };
        return await ReadOneAsync(cmd, ct);
    }

    public async Task SaveAsync(NpgsqlTransaction tx, CataloguePart part, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO parts ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (part_number) DO UPDATE SET description = $2, serialized = $3, unit = $4, version = $5, updated_at = $6, supplier = $7
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = part.PartNumber }, new() { Value = part.Description }, new() { Value = part.Serialized },
                new() { Value = part.Unit }, new() { Value = part.Version }, new() { Value = part.UpdatedAt }, new() { Value = part.Supplier },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<CataloguePart?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static CataloguePart Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5))
        {
            Supplier = reader.GetString(6),
        };
}
