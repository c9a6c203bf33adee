using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Hosting.Data;
using Logistics.Inventory.Domain.Replenishment;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Inventory.Data;

/// <summary>
/// Replenishment in Postgres: min/max rows (<c>stock_limits</c>), proposals and expected goods-in (ASNs) as domain
/// documents with the columns lists filter on. The partial unique index on open proposals keeps one per centre.
/// </summary>
public sealed class ReplenishmentStore(NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task SetLimitAsync(NpgsqlTransaction tx, StockLimit limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO stock_limits (centre_id, part_number, reorder_point, order_up_to, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (centre_id, part_number) DO UPDATE SET reorder_point = $3, order_up_to = $4, set_by = $5, set_at = $6
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = limit.CentreId }, new() { Value = limit.PartNumber }, new() { Value = limit.ReorderPoint },
                new() { Value = limit.OrderUpTo }, new() { Value = limit.SetBy }, new() { Value = limit.SetAt },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The min/max rows of one centre (null: every centre), optionally of some parts only; by centre, then part.</summary>
    public async Task<IReadOnlyList<StockLimit>> LimitsAsync(string? centreId, IReadOnlyCollection<string>? parts, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT centre_id, part_number, reorder_point, order_up_to, set_by, set_at FROM stock_limits
            WHERE ($1::text IS NULL OR centre_id = $1) AND ($2::text[] IS NULL OR part_number = ANY($2))
            ORDER BY centre_id, part_number
            """);
        cmd.Parameters.Add(new() { Value = centreId ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = parts?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var rows = new List<StockLimit>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new StockLimit(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        return rows;
    }

    public async Task<IReadOnlyList<string>> CentresWithLimitsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT DISTINCT centre_id FROM stock_limits ORDER BY centre_id");
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>
    /// Saves a new proposal and supersedes the centre's open one, under the centre's lock. A proposal id already saved
    /// (a daily run another replica made, a retried "propose now") is left as it is: returns false.
    /// </summary>
    public static async Task<bool> InsertProposalAsync(NpgsqlTransaction tx, Proposal proposal, CancellationToken ct)
    {
        await tx.LockAsync("replenishment:" + proposal.CentreId, ct);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM replenishment_proposals WHERE proposal_id = $1", tx.Connection, tx)
            { Parameters = { new() { Value = proposal.ProposalId } } })
            if (await exists.ExecuteScalarAsync(ct) is not null) return false;
        await using (var open = new NpgsqlCommand(
            "SELECT document::text FROM replenishment_proposals WHERE centre_id = $1 AND state = 'Open'", tx.Connection, tx)
            { Parameters = { new() { Value = proposal.CentreId } } })
            if (await open.ExecuteScalarAsync(ct) is string json)
                await UpdateProposalAsync(tx, Parse<Proposal>(json).Supersede(), ct);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO replenishment_proposals (proposal_id, centre_id, state, created_at, document) VALUES ($1, $2, $3, $4, $5)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = proposal.ProposalId }, new() { Value = proposal.CentreId }, new() { Value = proposal.State.ToString() },
                new() { Value = proposal.CreatedAt }, Document(proposal),
            },
        };
        await insert.ExecuteNonQueryAsync(ct);
        return true;
    }

    public static async Task UpdateProposalAsync(NpgsqlTransaction tx, Proposal proposal, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE replenishment_proposals SET state = $2, document = $3 WHERE proposal_id = $1", tx.Connection, tx)
            { Parameters = { new() { Value = proposal.ProposalId }, new() { Value = proposal.State.ToString() }, Document(proposal) } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<Proposal> ReadProposalForUpdateAsync(NpgsqlTransaction tx, string proposalId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM replenishment_proposals WHERE proposal_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = proposalId } } };
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse<Proposal>(json) : throw new NotFoundException($"proposal {proposalId} does not exist");
    }

    public async Task<Proposal> ReadProposalAsync(string proposalId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM replenishment_proposals WHERE proposal_id = $1");
        cmd.Parameters.Add(new() { Value = proposalId });
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse<Proposal>(json) : throw new NotFoundException($"proposal {proposalId} does not exist");
    }

    /// <summary>A centre's proposals, newest first.</summary>
    public async Task<IReadOnlyList<Proposal>> ProposalsAsync(string centreId, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT document::text FROM replenishment_proposals WHERE centre_id = $1 ORDER BY created_at DESC, proposal_id LIMIT $2");
        cmd.Parameters.Add(new() { Value = centreId });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync<Proposal>(cmd, ct);
    }

    public static async Task InsertAsnAsync(NpgsqlTransaction tx, ExpectedGoodsIn asn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO expected_goods_in (asn_id, centre_id, supplier, state, created_at, document) VALUES ($1, $2, $3, $4, $5, $6)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = asn.AsnId }, new() { Value = asn.CentreId }, new() { Value = asn.Supplier }, new() { Value = asn.State.ToString() },
                new() { Value = asn.CreatedAt }, Document(asn),
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task UpdateAsnAsync(NpgsqlTransaction tx, ExpectedGoodsIn asn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE expected_goods_in SET state = $2, document = $3 WHERE asn_id = $1", tx.Connection, tx)
            { Parameters = { new() { Value = asn.AsnId }, new() { Value = asn.State.ToString() }, Document(asn) } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<ExpectedGoodsIn> ReadAsnForUpdateAsync(NpgsqlTransaction tx, string asnId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM expected_goods_in WHERE asn_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = asnId } } };
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse<ExpectedGoodsIn>(json) : throw new NotFoundException($"expected goods-in {asnId} does not exist");
    }

    public async Task<ExpectedGoodsIn> ReadAsnAsync(string asnId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM expected_goods_in WHERE asn_id = $1");
        cmd.Parameters.Add(new() { Value = asnId });
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse<ExpectedGoodsIn>(json) : throw new NotFoundException($"expected goods-in {asnId} does not exist");
    }

    /// <summary>Expected goods-in of the given centres (null: every centre), of one state when given; newest first.</summary>
    public async Task<IReadOnlyList<ExpectedGoodsIn>> AsnsAsync(IReadOnlyCollection<string>? centres, string state, int offset, int pageSize, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT document::text FROM expected_goods_in
            WHERE ($1::text[] IS NULL OR centre_id = ANY($1)) AND ($2 = '' OR state = $2)
            ORDER BY created_at DESC, asn_id OFFSET $3 LIMIT $4
            """);
        cmd.Parameters.Add(new() { Value = centres?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = state });
        cmd.Parameters.Add(new() { Value = offset });
        cmd.Parameters.Add(new() { Value = pageSize + 1 });
        return await ReadAllAsync<ExpectedGoodsIn>(cmd, ct);
    }

    /// <summary>Per part, the units the centre's open expected goods-in have not brought yet: its incoming.</summary>
    public async Task<IReadOnlyDictionary<string, long>> IncomingAsync(string centreId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM expected_goods_in WHERE centre_id = $1 AND state = 'Open'");
        cmd.Parameters.Add(new() { Value = centreId });
        var incoming = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var asn in await ReadAllAsync<ExpectedGoodsIn>(cmd, ct))
            foreach (var part in asn.Lines.Select(l => l.PartNumber).Distinct())
                incoming[part] = incoming.GetValueOrDefault(part) + asn.Outstanding(part);
        return incoming;
    }

    private static NpgsqlParameter Document<T>(T value) => new() { Value = JsonSerializer.Serialize(value, Json), NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Parse<T>(reader.GetString(0)));
        return rows;
    }
}
