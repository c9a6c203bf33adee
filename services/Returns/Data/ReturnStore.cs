using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Returns.Data;

/// <summary>Which returns a list asks for; null means any.</summary>
/// <param name="Centres">Only returns to these centres (null: every centre).</param>
/// <param name="DoaOnly">Only returns of dead units a DOA claim concerns.</param>
public sealed record ReturnFilter(
    string? EngineerId, ReturnState? State, bool OverdueOnly, IReadOnlyCollection<string>? Centres = null, bool DoaOnly = false);

/// <summary>Where a page of a list starts: after this (due date, return id). The token is base64url, safe in a query string as is.</summary>
public sealed record ReturnCursor(DateTimeOffset DueAt, string ReturnId)
{
    public string ToToken() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{DueAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{ReturnId}"));

    public static ReturnCursor? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && long.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && bar < text.Length - 1)
                return new ReturnCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
        }
        catch (FormatException) { }
        throw new InvalidFieldException("page_token", "is not a token this API gave");
    }
}

/// <summary>
/// Faulty-part returns in Postgres: one row per return, the domain's snapshot as a jsonb document beside the columns the
/// lists and the overdue job use. Changing a return is load-for-update, domain command, <see cref="SaveAsync"/> in one
/// transaction, in which the caller publishes the new steps too (Events/ReturnEvents).
/// </summary>
public sealed class ReturnStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>A return for reading, or null.</summary>
    public async Task<FaultyReturn?> FindAsync(string returnId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM returns WHERE return_id = $1");
        cmd.Parameters.Add(new() { Value = returnId });
        return Read(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>A return to change, locked until the transaction ends (a concurrent command waits), or null.</summary>
    public async Task<FaultyReturn?> FindForUpdateAsync(NpgsqlTransaction tx, string returnId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM returns WHERE return_id = $1 FOR UPDATE", tx.Connection, tx)
        { Parameters = { new() { Value = returnId } } };
        return Read(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>A return to change if nobody else holds it now (null when locked elsewhere or gone): for the overdue job's replicas.</summary>
    public async Task<FaultyReturn?> TryLockAsync(NpgsqlTransaction tx, string returnId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document::text FROM returns WHERE return_id = $1 FOR UPDATE SKIP LOCKED", tx.Connection, tx)
        { Parameters = { new() { Value = returnId } } };
        return Read(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>
    /// Inserts a newly opened return. Returns false, writing nothing, when the return exists
    /// already (a redelivery) or the serial already has a return that is not closed.
    /// </summary>
    public async Task<bool> InsertAsync(NpgsqlTransaction tx, FaultyReturn r, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO returns (return_id, kind, request_id, doa_claim_id, engineer_id, centre_id, part_number, serial, state,
                                 opened_at, due_at, unreturned_at, overdue, escalated, unreturned, version, document)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16)
            ON CONFLICT DO NOTHING
            """, tx.Connection, tx);
        cmd.Parameters.Add(new() { Value = r.ReturnId });
        cmd.Parameters.Add(new() { Value = r.Kind.Code() });
        cmd.Parameters.Add(new() { Value = r.RequestId });
        cmd.Parameters.Add(new() { Value = r.DoaClaimId });
        cmd.Parameters.Add(new() { Value = r.EngineerId });
        cmd.Parameters.Add(new() { Value = r.CentreId });
        cmd.Parameters.Add(new() { Value = r.PartNumber });
        cmd.Parameters.Add(new() { Value = r.Serial });
        AddMutable(cmd, r);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Writes a changed return.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, FaultyReturn r, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            UPDATE returns SET state = $2, opened_at = $3, due_at = $4, unreturned_at = $5, overdue = $6, escalated = $7,
                               unreturned = $8, document = $9, version = version + 1
            WHERE return_id = $1
            """, tx.Connection, tx);
        cmd.Parameters.Add(new() { Value = r.ReturnId });
        AddMutable(cmd, r);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"return {r.ReturnId} was not there to save");
    }

    /// <summary>A page of returns, oldest due first (then by id).</summary>
    public async Task<(IReadOnlyList<FaultyReturn> Returns, ReturnCursor? Next)> ListAsync(
        ReturnFilter filter, ReturnCursor? after, int pageSize, CancellationToken ct)
    {
        var where = new List<string>();
        await using var cmd = dataSource.CreateCommand();
        void Where(string condition, object value)
        {
            cmd.Parameters.Add(new() { Value = value });
            where.Add(condition.Replace("@", "$" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        if (filter.EngineerId is not null) Where("engineer_id = @", filter.EngineerId);
        if (filter.State is { } state) Where("state = @", state.ToString());
        if (filter.OverdueOnly) where.Add("overdue");
        if (filter.Centres is { } centres) Where("centre_id = ANY(@)", centres.ToArray());
        if (filter.DoaOnly) where.Add("doa_claim_id <> ''");
        if (after is not null)
        {
            cmd.Parameters.Add(new() { Value = after.DueAt });
            cmd.Parameters.Add(new() { Value = after.ReturnId });
            where.Add($"(due_at, return_id) > (${cmd.Parameters.Count - 1}, ${cmd.Parameters.Count})");
        }
        cmd.Parameters.Add(new() { Value = pageSize + 1 });
        cmd.CommandText = $"SELECT document::text FROM returns {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} " +
                          $"ORDER BY due_at, return_id LIMIT ${cmd.Parameters.Count}";
        var page = new List<FaultyReturn>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) page.Add(Read(reader.GetString(0))!);
        if (page.Count <= pageSize) return (page, null);
        page.RemoveAt(pageSize);
        return (page, new ReturnCursor(page[^1].DueAt, page[^1].ReturnId));
    }

    /// <summary>Returns not yet received with a deadline passed at <paramref name="now"/> whose flag is not raised yet.</summary>
    public async Task<IReadOnlyList<string>> PastDeadlineAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT return_id FROM returns
            WHERE state IN ('Open', 'Packed', 'Shipped')
              AND due_at < $1
              AND (NOT overdue OR NOT escalated OR (unreturned_at < $1 AND NOT unreturned))
            ORDER BY due_at, return_id
            LIMIT $2
            """);
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = limit });
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Keeps a dead unit's replacement shipment (the first one wins), for a claim approval that may arrive after it.</summary>
    public async Task RecordReplacementShipmentAsync(NpgsqlTransaction tx, string doaClaimId, string requestId, string replacementSerial,
        DateTimeOffset shippedAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO dead_unit_replacements (doa_claim_id, request_id, replacement_serial, shipped_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            tx.Connection, tx)
        { Parameters = { new() { Value = doaClaimId }, new() { Value = requestId }, new() { Value = replacementSerial }, new() { Value = shippedAt } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<(string ReplacementSerial, DateTimeOffset ShippedAt)?> FindReplacementShipmentAsync(NpgsqlTransaction tx, string doaClaimId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT replacement_serial, shipped_at FROM dead_unit_replacements WHERE doa_claim_id = $1", tx.Connection, tx)
        { Parameters = { new() { Value = doaClaimId } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    public static string Serialize(FaultyReturn r) => JsonSerializer.Serialize(r.ToSnapshot(), Json);

    public static FaultyReturn Deserialize(string json) =>
        FaultyReturn.Restore(JsonSerializer.Deserialize<FaultyReturnSnapshot>(json, Json) ?? throw new InvalidOperationException("empty return document"));

    private static FaultyReturn? Read(object? document) => document is string json ? Deserialize(json) : null;

    /// <summary>The eight values a command can change (state, opened, due, unreturned-at, the flags, the document), in that order.</summary>
    private static void AddMutable(NpgsqlCommand cmd, FaultyReturn r)
    {
        cmd.Parameters.Add(new() { Value = r.State.ToString() });
        cmd.Parameters.Add(new() { Value = r.OpenedAt });
        cmd.Parameters.Add(new() { Value = r.DueAt });
        cmd.Parameters.Add(new() { Value = r.UnreturnedAt });
        cmd.Parameters.Add(new() { Value = r.Overdue });
        cmd.Parameters.Add(new() { Value = r.Escalated });
        cmd.Parameters.Add(new() { Value = r.Unreturned });
        cmd.Parameters.Add(new() { Value = Serialize(r), NpgsqlDbType = NpgsqlDbType.Jsonb });
    }
}
