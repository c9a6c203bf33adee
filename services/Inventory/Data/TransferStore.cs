using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Inventory.Domain.Transfers;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Inventory.Data;

/// <summary>Transfers between centres in Postgres (<c>transfers</c>): the domain record as a JSON document, with the columns lists filter on.</summary>
public sealed class TransferStore(NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task InsertAsync(NpgsqlTransaction tx, Transfer t, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO transfers (transfer_id, from_centre_id, to_centre_id, part_number, state, requested_by, requested_at, updated_at, document)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = t.TransferId }, new() { Value = t.FromCentreId }, new() { Value = t.ToCentreId }, new() { Value = t.PartNumber },
                new() { Value = t.State.ToString() }, new() { Value = t.RequestedBy }, new() { Value = t.RequestedAt },
                new() { Value = JsonSerializer.Serialize(t, Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task UpdateAsync(NpgsqlTransaction tx, Transfer t, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE transfers SET state = $2, updated_at = $3, document = $4 WHERE transfer_id = $1", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = t.TransferId }, new() { Value = t.State.ToString() }, new() { Value = at },
                new() { Value = JsonSerializer.Serialize(t, Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The transfer, locked for this transaction (a second step on it waits), or NOT_FOUND.</summary>
    public static async Task<Transfer> ReadForUpdateAsync(NpgsqlTransaction tx, string transferId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM transfers WHERE transfer_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = transferId } } };
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : throw new NotFoundException($"transfer {transferId} does not exist");
    }

    public async Task<Transfer> ReadAsync(string transferId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM transfers WHERE transfer_id = $1");
        cmd.Parameters.Add(new() { Value = transferId });
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : throw new NotFoundException($"transfer {transferId} does not exist");
    }

    /// <summary>
    /// Transfers touching the given centres (null: every centre): incoming (to them), outgoing (from them) or both (""),
    /// of one state when given ("open" for any not Received or Cancelled); newest first, a page after the offset.
    /// </summary>
    public async Task<IReadOnlyList<Transfer>> ListAsync(IReadOnlyCollection<string>? centres, string direction, string state, int offset, int pageSize, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT document::text FROM transfers
            WHERE ($1::text[] IS NULL
                   OR ($2 <> 'outgoing' AND to_centre_id = ANY($1)) OR ($2 <> 'incoming' AND from_centre_id = ANY($1)))
              AND ($3 = '' OR state = $3 OR ($3 = 'open' AND state NOT IN ('Received', 'Cancelled')))
            ORDER BY requested_at DESC, transfer_id OFFSET $4 LIMIT $5
            """);
        cmd.Parameters.Add(new() { Value = centres?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = direction });
        cmd.Parameters.Add(new() { Value = state });
        cmd.Parameters.Add(new() { Value = offset });
        cmd.Parameters.Add(new() { Value = pageSize + 1 });
        var rows = new List<Transfer>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Parse(reader.GetString(0)));
        return rows;
    }

    /// <summary>
    /// The open transfers (neither Received nor Cancelled) to or from the given centres (null: every centre), of the given
    /// parts (null: every part): what replenishment counts as incoming and as promised.
    /// </summary>
    public async Task<IReadOnlyList<Transfer>> OpenAsync(IReadOnlyCollection<string>? centres, IReadOnlyCollection<string>? parts, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT document::text FROM transfers
            WHERE state NOT IN ('Received', 'Cancelled')
              AND ($1::text[] IS NULL OR to_centre_id = ANY($1) OR from_centre_id = ANY($1))
              AND ($2::text[] IS NULL OR part_number = ANY($2))
            """);
        cmd.Parameters.Add(new() { Value = centres?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = parts?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var rows = new List<Transfer>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Parse(reader.GetString(0)));
        return rows;
    }

    private static Transfer Parse(string json) => JsonSerializer.Deserialize<Transfer>(json, Json)!;
}
