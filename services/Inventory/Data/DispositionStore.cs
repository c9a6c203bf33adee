using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Inventory.Domain.Dispositions;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Inventory.Data;

/// <summary>
/// Dispositions in Postgres (<c>dispositions</c>): the domain record as a JSON document, with the columns that lists
/// filter on. The unique index on open dispositions per serial decides a race between two proposals.
/// </summary>
public sealed class DispositionStore(NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Inserts a new proposal; FAILED_PRECONDITION naming the serial when it already has an open disposition.</summary>
    public static async Task InsertAsync(NpgsqlTransaction tx, Disposition d, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO dispositions (disposition_id, centre_id, part_number, serial, kind, state, proposed_by, proposed_at, updated_at, document)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = d.DispositionId }, new() { Value = d.CentreId }, new() { Value = d.PartNumber }, new() { Value = d.Serial },
                new() { Value = d.Kind.WireName() }, new() { Value = d.State.ToString() }, new() { Value = d.ProposedBy },
                new() { Value = d.ProposedAt }, new() { Value = JsonSerializer.Serialize(d, Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        await using var savepoint = new NpgsqlCommand("SAVEPOINT propose", tx.Connection, tx);
        await savepoint.ExecuteNonQueryAsync(ct);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK TO SAVEPOINT propose", tx.Connection, tx);
            await rollback.ExecuteNonQueryAsync(ct);
            var open = await FindOpenAsync(tx, d.PartNumber, d.Serial, ct);
            throw new RuleViolationException(open is null
                ? $"serial {d.Serial} of part {d.PartNumber} already has a disposition"
                : $"serial {d.Serial} of part {d.PartNumber} already has disposition {open.DispositionId} ({open.Kind.WireName()}, {open.State}); it leaves the quarantine once");
        }
    }

    public static async Task UpdateAsync(NpgsqlTransaction tx, Disposition d, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE dispositions SET state = $2, updated_at = $3, document = $4 WHERE disposition_id = $1", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = d.DispositionId }, new() { Value = d.State.ToString() }, new() { Value = at },
                new() { Value = JsonSerializer.Serialize(d, Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The disposition, locked for this transaction (a second step on it waits), or NOT_FOUND.</summary>
    public static async Task<Disposition> ReadForUpdateAsync(NpgsqlTransaction tx, string dispositionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM dispositions WHERE disposition_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = dispositionId } } };
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : throw new NotFoundException($"disposition {dispositionId} does not exist");
    }

    public async Task<Disposition> ReadAsync(string dispositionId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM dispositions WHERE disposition_id = $1");
        cmd.Parameters.Add(new() { Value = dispositionId });
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : throw new NotFoundException($"disposition {dispositionId} does not exist");
    }

    /// <summary>
    /// Dispositions of the given centres (null: every centre), of one state when given ("open" for any open one), of one
    /// serial when given; newest first, a page after the offset.
    /// </summary>
    public async Task<IReadOnlyList<Disposition>> ListAsync(IReadOnlyCollection<string>? centres, string state, string serial, int offset, int pageSize, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT document::text FROM dispositions
            WHERE ($1::text[] IS NULL OR centre_id = ANY($1)) AND ($2 = '' OR state = $2 OR ($2 = 'open' AND state = ANY($5)))
              AND ($3 = '' OR serial = $3)
            ORDER BY proposed_at DESC, disposition_id OFFSET $4 LIMIT $6
            """);
        cmd.Parameters.Add(new() { Value = centres?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = state });
        cmd.Parameters.Add(new() { Value = serial });
        cmd.Parameters.Add(new() { Value = offset });
        cmd.Parameters.Add(new() { Value = DispositionNames.OpenStates.Select(s => s.ToString()).ToArray() });
        cmd.Parameters.Add(new() { Value = pageSize + 1 });
        var rows = new List<Disposition>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Parse(reader.GetString(0)));
        return rows;
    }

    /// <summary>Per serial of a centre: its open disposition (if any) and how many times it came back repaired.</summary>
    public async Task<(Dictionary<string, Disposition> Open, Dictionary<string, int> Repairs)> OfSerialsAsync(string centreId, IReadOnlyCollection<string> serials, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT part_number || E'\\t' || serial, state, document::text FROM dispositions WHERE serial = ANY($1) AND (centre_id = $2 OR state = 'Repaired')");
        cmd.Parameters.Add(new() { Value = serials.ToArray() });
        cmd.Parameters.Add(new() { Value = centreId });
        var open = new Dictionary<string, Disposition>(StringComparer.Ordinal);
        var repairs = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetString(0);
            var state = Enum.Parse<DispositionState>(reader.GetString(1));
            if (state == DispositionState.Repaired) repairs[key] = repairs.GetValueOrDefault(key) + 1;
            if (state.IsOpen()) open[key] = Parse(reader.GetString(2));
        }
        return (open, repairs);
    }

    /// <summary>How many times a serial came back repaired (its repair count).</summary>
    public static async Task<int> RepairCountAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM dispositions WHERE part_number = $1 AND serial = $2 AND state = 'Repaired'", tx.Connection, tx)
            { Parameters = { new() { Value = partNumber }, new() { Value = serial } } };
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<Disposition?> FindOpenAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT document::text FROM dispositions WHERE part_number = $1 AND serial = $2 AND state = ANY($3)", tx.Connection, tx)
            { Parameters = { new() { Value = partNumber }, new() { Value = serial }, new() { Value = DispositionNames.OpenStates.Select(s => s.ToString()).ToArray() } } };
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : null;
    }

    private static Disposition Parse(string json) => JsonSerializer.Deserialize<Disposition>(json, Json)!;
}
