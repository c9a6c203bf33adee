using Npgsql;

namespace Logistics.Requests.Data;

/// <summary>The centres requests has heard of (CentreDefined); a newer version replaces an older one, never the reverse.</summary>
public sealed class KnownCentresTable(NpgsqlDataSource dataSource)
{
    public async Task<bool> ExistsAsync(string centreId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1 FROM known_centres WHERE centre_id = $1");
        cmd.Parameters.Add(new() { Value = centreId });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task SaveAsync(NpgsqlTransaction tx, string centreId, string name, long version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO known_centres (centre_id, name, version) VALUES ($1, $2, $3)
            ON CONFLICT (centre_id) DO UPDATE SET name = $2, version = $3 WHERE known_centres.version < $3
            """, tx.Connection, tx)
        { Parameters = { new() { Value = centreId }, new() { Value = name }, new() { Value = version } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
