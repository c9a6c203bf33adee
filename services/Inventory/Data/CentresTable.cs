using Logistics.Inventory.Domain;
using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Inventory.Data;

public sealed class CentresTable(NpgsqlDataSource dataSource)
{
    private const string Columns = "centre_id, name, bins, version, updated_at, time_zone, calendar_id";

    public async Task<SparePartCentre?> FindAsync(string centreId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM centres WHERE centre_id = $1");
        cmd.Parameters.Add(new() { Value = centreId });
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<string>> AllIdsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT centre_id FROM centres ORDER BY centre_id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>A page of the search, by centre_id; one row more than the page is read to know whether another page follows.</summary>
    public async Task<(IReadOnlyList<SparePartCentre> Page, bool More)> SearchAsync(CatalogueSearch search, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT {Columns} FROM centres WHERE (centre_id ILIKE $1 OR name ILIKE $1) AND centre_id > $2 ORDER BY centre_id LIMIT $3");
        cmd.Parameters.Add(new() { Value = search.LikePattern });
        cmd.Parameters.Add(new() { Value = search.After });
        cmd.Parameters.Add(new() { Value = search.PageSize + 1 });
        var rows = new List<SparePartCentre>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Read(reader));
        return rows.Count > search.PageSize ? (rows[..search.PageSize], true) : (rows, false);
    }

    /// <summary>Reads a centre inside a command's transaction, holding a lock on its id until commit (also when it does not exist yet).</summary>
    public async Task<SparePartCentre?> FindForUpdateAsync(NpgsqlTransaction tx, string centreId, CancellationToken ct)
    {
        await tx.LockAsync("centre:" + centreId, ct);
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM centres WHERE centre_id = $1", tx.Connection, tx) { Parameters = { new() { Value = centreId } } };
        return await ReadOneAsync(cmd, ct);
    }

    public async Task SaveAsync(NpgsqlTransaction tx, SparePartCentre centre, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO centres ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (centre_id) DO UPDATE SET name = $2, bins = $3, version = $4, updated_at = $5, time_zone = $6, calendar_id = $7
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = centre.CentreId }, new() { Value = centre.Name }, new() { Value = centre.Bins.ToArray() },
                new() { Value = centre.Version }, new() { Value = centre.UpdatedAt }, new() { Value = centre.TimeZone },
                new() { Value = centre.CalendarId },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<SparePartCentre?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static SparePartCentre Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetInt64(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.GetString(6));
}
