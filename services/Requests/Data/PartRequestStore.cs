using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Requests.Data;

/// <summary>What to list: each filter is optional.</summary>
/// <param name="Centres">Only requests of these centres (null: every centre).</param>
/// <param name="ConcernedByDoaClaim">Only requests a DOA claim concerns: replacements and the requests claims were filed on.</param>
public sealed record PartRequestFilter(
    string? EngineerId, RequestState? State, bool LateOnly, IReadOnlyCollection<string>? Centres = null, bool ConcernedByDoaClaim = false);

/// <summary>A page of requests, newest first; <paramref name="NextPageToken"/> is "" on the last page.</summary>
public sealed record PartRequestPage(IReadOnlyList<PartRequest> Requests, string NextPageToken);

/// <summary>
/// Part requests in table <c>part_requests</c>: the domain's snapshot as a jsonb document, plus copies of the fields the
/// queries need. A command loads its request with <see cref="FindForUpdateAsync"/> (row lock until its transaction ends),
/// changes it through the domain and saves it in the same transaction.
/// </summary>
public sealed class PartRequestStore(NpgsqlDataSource dataSource)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    // The state names that count as late, the same rule as PartRequest.IsLate.
    private const string LateCondition =
        """
        ((state IN ('Submitted', 'Approved', 'Backordered', 'Reserved') AND ship_by < @now)
         OR (state IN ('Submitted', 'Approved', 'Backordered', 'Reserved', 'Shipped') AND deliver_by < @now))
        """;

    public async Task<PartRequest?> FindAsync(string requestId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document FROM part_requests WHERE request_id = $1");
        cmd.Parameters.Add(new() { Value = requestId });
        return await cmd.ExecuteScalarAsync(ct) is string document ? PartRequestDocument.Read(document) : null;
    }

    /// <summary>The request, its row locked until <paramref name="tx"/> ends; null when there is none.</summary>
    public async Task<PartRequest?> FindForUpdateAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT document FROM part_requests WHERE request_id = $1 FOR UPDATE", tx.Connection, tx)
        { Parameters = { new() { Value = requestId } } };
        return await cmd.ExecuteScalarAsync(ct) is string document ? PartRequestDocument.Read(document) : null;
    }

    /// <summary>Like <see cref="FindForUpdateAsync"/>, for a command on a request that must exist.</summary>
    public async Task<PartRequest> LoadForUpdateAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct) =>
        await FindForUpdateAsync(tx, requestId, ct) ?? throw new NotFoundException($"part request {requestId} does not exist");

    public async Task<bool> ExistsAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM part_requests WHERE request_id = $1", tx.Connection, tx)
        { Parameters = { new() { Value = requestId } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<bool> ExistsForDoaClaimAsync(NpgsqlTransaction tx, string doaClaimId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM part_requests WHERE doa_claim_id = $1", tx.Connection, tx)
        { Parameters = { new() { Value = doaClaimId } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task InsertAsync(NpgsqlTransaction tx, PartRequest request, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO part_requests (request_id, engineer_id, state, centre_id, part_number, submitted_at, ship_by, deliver_by, doa_claim_id, replaces_request_id, version, document)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, 1, $10)
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = request.RequestId }, new() { Value = request.EngineerId }, new() { Value = request.State.ToString() },
                new() { Value = request.CentreId }, new() { Value = request.PartNumber }, new() { Value = request.SubmittedAt },
                new() { Value = request.ShipBy }, new() { Value = request.DeliverBy }, new() { Value = (object?)request.DoaClaimId ?? DBNull.Value },
                new() { Value = PartRequestDocument.Write(request), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = (object?)request.ReplacesRequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The request that asks again for <paramref name="requestId"/> (lost in transit); null when none does.</summary>
    public async Task<string?> FindReplacementAsync(NpgsqlTransaction? tx, string requestId, CancellationToken ct)
    {
        const string sql = "SELECT request_id FROM part_requests WHERE replaces_request_id = $1";
        await using var cmd = tx is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, tx.Connection, tx);
        cmd.Parameters.Add(new() { Value = requestId });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Writes a changed request back (its row was locked by <see cref="FindForUpdateAsync"/> in this transaction).</summary>
    public async Task UpdateAsync(NpgsqlTransaction tx, PartRequest request, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE part_requests SET state = $2, version = version + 1, document = $3 WHERE request_id = $1", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = request.RequestId }, new() { Value = request.State.ToString() },
                new() { Value = PartRequestDocument.Write(request), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"part request {request.RequestId} was not stored");
    }

    /// <summary>The engineer's open requests (neither Rejected, Cancelled, Closed nor LostInTransit): their standing against the quota.</summary>
    public async Task<int> CountOpenAsync(NpgsqlTransaction tx, string engineerId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM part_requests WHERE engineer_id = $1 AND state NOT IN ('Rejected', 'Cancelled', 'Closed', 'LostInTransit')", tx.Connection, tx)
        { Parameters = { new() { Value = engineerId } } };
        return checked((int)(long)(await cmd.ExecuteScalarAsync(ct))!);
    }

    private const string DoaConcernedCondition =
        "doa_claim_id IS NOT NULL OR request_id IN (SELECT d.request_id FROM doa_claimed_requests d)";

    /// <summary>Whether a DOA claim concerns the request: a replacement, or the request a claim was filed on.</summary>
    public async Task<bool> IsConcernedByDoaClaimAsync(string requestId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM part_requests WHERE request_id = $1 AND ({DoaConcernedCondition}))");
        cmd.Parameters.Add(new() { Value = requestId });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Records that a DOA claim was filed on a request (idempotent).</summary>
    public static async Task RecordDoaClaimAsync(NpgsqlTransaction tx, string requestId, string claimId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO doa_claimed_requests (request_id, claim_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", tx.Connection, tx)
        { Parameters = { new() { Value = requestId }, new() { Value = claimId } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A page of requests, newest first (submitted_at, then request id, both descending).</summary>
    public async Task<PartRequestPage> ListAsync(PartRequestFilter filter, DateTimeOffset now, int pageSize, string? pageToken, CancellationToken ct)
    {
        var after = PageToken.Read(pageToken);
        var where = new List<string>();
        await using var cmd = dataSource.CreateCommand();
        if (filter.EngineerId is not null)
        {
            where.Add("engineer_id = @engineer");
            cmd.Parameters.AddWithValue("engineer", filter.EngineerId);
        }
        if (filter.Centres is { } centres)
        {
            where.Add("centre_id = ANY(@centres)");
            cmd.Parameters.AddWithValue("centres", centres.ToArray());
        }
        if (filter.ConcernedByDoaClaim)
            where.Add($"({DoaConcernedCondition})");
        if (filter.State is { } state)
        {
            where.Add("state = @state");
            cmd.Parameters.AddWithValue("state", state.ToString());
        }
        if (filter.LateOnly)
        {
            where.Add(LateCondition);
            cmd.Parameters.AddWithValue("now", now);
        }
        if (after is { } position)
        {
            where.Add("(submitted_at, request_id) < (@after_at, @after_id)");
            cmd.Parameters.AddWithValue("after_at", position.SubmittedAt);
            cmd.Parameters.AddWithValue("after_id", position.RequestId);
        }
        cmd.Parameters.AddWithValue("limit", pageSize + 1);
        cmd.CommandText =
            $"""
            SELECT document, submitted_at, request_id FROM part_requests
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY submitted_at DESC, request_id DESC
            LIMIT @limit
            """;

        var requests = new List<PartRequest>();
        var next = "";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var last = (At: DateTimeOffset.MinValue, Id: "");
        while (await reader.ReadAsync(ct))
        {
            if (requests.Count == pageSize)
            {
                next = PageToken.Write(last.At, last.Id);
                break;
            }
            requests.Add(PartRequestDocument.Read(reader.GetString(0)));
            last = (reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2));
        }
        return new PartRequestPage(requests, next);
    }

    /// <summary>
    /// The position after the last request of a page: its submitted_at as stored (microseconds) and its id. Opaque to
    /// clients (base64url); anything this API did not write is refused naming page_token.
    /// </summary>
    public static class PageToken
    {
        public static string Write(DateTimeOffset submittedAt, string requestId) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{submittedAt.UtcTicks}|{requestId}")));

        public static (DateTimeOffset SubmittedAt, string RequestId)? Read(string? token)
        {
            if (string.IsNullOrEmpty(token)) return null;
            try
            {
                var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                if (bar > 0 && bar < text.Length - 1
                    && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks <= DateTimeOffset.MaxValue.UtcTicks)
                    return (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
            }
            catch (FormatException) { }
            throw new InvalidFieldException("page_token", "is not a token this API gave");
        }
    }
}

/// <summary>The jsonb document of a part request: its domain snapshot as JSON (state names as text).</summary>
public static class PartRequestDocument
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Write(PartRequest request) => JsonSerializer.Serialize(request.ToSnapshot(), Json);

    public static PartRequest Read(string document) =>
        PartRequest.Restore(JsonSerializer.Deserialize<PartRequestSnapshot>(document, Json)
            ?? throw new InvalidOperationException("a part request document is empty"));
}
