using System.Globalization;
using Logistics.Doa.Domain;
using Logistics.Hosting.Data;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Doa.Data;

/// <summary>Filters of a claims list beyond state and person (null: no filter).</summary>
public sealed record ClaimFilter(string? PartNumber = null, DateTimeOffset? FiledFrom = null, DateTimeOffset? FiledBefore = null, bool UrgentFirst = false)
{
    public static ClaimFilter None { get; } = new();
}

/// <summary>A page of claims and the token of the next page ("" on the last).</summary>
public sealed record ClaimPage(IReadOnlyList<DoaClaim> Claims, string NextPageToken);

/// <summary>
/// Claims in Postgres: one row each, the whole claim in a jsonb document and the columns queries need beside it.
/// Changes happen inside the caller's transaction (a command's or an event's), which publishes the transitions through
/// <c>Events/DoaEvents</c> in that same transaction; a claim is read FOR UPDATE before it is changed.
/// </summary>
public sealed class ClaimStore(NpgsqlDataSource dataSource, DeliveriesTable deliveries, RequestTicketsTable tickets)
{
    private const string Columns = "claim_id, part_number, serial, request_id, state, filed_by, engineer_id, filed_at, replacement_request_id, document";

    /// <summary>
    /// Files a claim: under a lock on the serial (so two claims for one unit run one after the other and the second sees the
    /// first), reads the unit's delivery on that request, the claims filed before for it and the request's ticket, lets the
    /// domain decide and stores the claim (its history holds the "filed" transition for the caller to publish).
    /// </summary>
    public async Task<DoaClaim> FileAsync(
        NpgsqlTransaction tx, string claimId, DoaFiling filing, Filer filer, DoaPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var valid = filing.Validate(now, policy); // a malformed filing is refused before any lock or read
        await tx.LockAsync("serial:" + valid.Serial, ct);
        var delivery = await deliveries.FindAsync(tx, valid.Serial, valid.RequestId, ct);
        var earlier = delivery is null ? [] : await EarlierClaimsAsync(tx, delivery.PartNumber, delivery.Serial, ct);
        var ticket = delivery is null ? "" : await tickets.FindAsync(tx, delivery.RequestId, ct);
        var claim = DoaClaim.File(claimId, filing, filer, delivery, ticket, earlier, policy, now);
        await using (var cmd = new NpgsqlCommand($"INSERT INTO doa_claims ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", tx.Connection, tx))
        {
            AddRow(cmd, claim);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return claim;
    }

    /// <summary>Reads a claim for changing it (row locked until commit); null when there is none.</summary>
    public Task<DoaClaim?> FindForUpdateAsync(NpgsqlTransaction tx, string claimId, CancellationToken ct) =>
        ReadOneAsync(new NpgsqlCommand("SELECT document::text FROM doa_claims WHERE claim_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = claimId } } }, ct);

    /// <summary>Reads the claim whose replacement request this is, for changing it; null when none is.</summary>
    public Task<DoaClaim?> FindByReplacementRequestForUpdateAsync(NpgsqlTransaction tx, string replacementRequestId, CancellationToken ct) =>
        ReadOneAsync(new NpgsqlCommand("SELECT document::text FROM doa_claims WHERE replacement_request_id = $1 FOR UPDATE", tx.Connection, tx)
            { Parameters = { new() { Value = replacementRequestId } } }, ct);

    /// <summary>
    /// Adds a checked file to a claim: the claim (locked) decides whether it takes it, then its content row and the claim's
    /// document, listing it, are written in the caller's transaction. A refusal writes nothing.
    /// </summary>
    public async Task<EvidenceFile> AddEvidenceAsync(
        NpgsqlTransaction tx, string claimId, EvidenceFile file, ReadOnlyMemory<byte> content, Filer uploader, DoaPolicy policy, CancellationToken ct)
    {
        var claim = await FindForUpdateAsync(tx, claimId, ct) ?? throw new NotFoundException($"claim {claimId} does not exist");
        claim.AddEvidence(file, uploader, policy);
        await EvidenceStore.AddAsync(tx, claimId, file, content, ct);
        await SaveAsync(tx, claim, ct);
        return file;
    }

    /// <summary>Stores a changed claim; the caller publishes the transitions it made.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, DoaClaim claim, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand(
            """
            UPDATE doa_claims SET part_number = $2, serial = $3, request_id = $4, state = $5, filed_by = $6, engineer_id = $7, filed_at = $8,
                replacement_request_id = $9, document = $10
            WHERE claim_id = $1
            """, tx.Connection, tx))
        {
            AddRow(cmd, claim);
            if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"claim {claim.ClaimId} is not stored");
        }
    }

    public async Task<DoaClaim?> FindAsync(string claimId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ReadOneAsync(new NpgsqlCommand("SELECT document::text FROM doa_claims WHERE claim_id = $1", conn)
            { Parameters = { new() { Value = claimId } } }, ct);
    }

    /// <summary>
    /// Claims oldest first (by filing time, then id), optionally in one state and, for an engineer, only those they filed or
    /// whose unit was delivered to them. The page token is the position of the last claim returned. With
    /// <see cref="ClaimFilter.UrgentFirst"/> the claims waiting for a decision come first, then those under way, then the
    /// finished (Rejected, Closed), oldest first within each.
    /// </summary>
    /// <param name="centres">Only claims on deliveries from these centres (null: every centre).</param>
    public async Task<ClaimPage> ListAsync(
        DoaClaimState? state, string? onlyFor, string? pageToken, int pageSize, CancellationToken ct, IReadOnlyCollection<string>? centres = null,
        ClaimFilter? filter = null)
    {
        filter ??= ClaimFilter.None;
        var after = ParseToken(pageToken, filter.UrgentFirst);
        var rank = filter.UrgentFirst ? "(CASE state WHEN 'Filed' THEN 0 WHEN 'Rejected' THEN 2 WHEN 'Closed' THEN 2 ELSE 1 END)" : "0";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT {rank}::int, filed_at, document::text FROM doa_claims
            WHERE ($1::text IS NULL OR state = $1)
              AND ($2::text IS NULL OR filed_by = $2 OR engineer_id = $2)
              AND ($3::timestamptz IS NULL OR ({rank}, filed_at, claim_id) > ($7, $3, $4))
              AND ($6::text[] IS NULL OR document->>'centreId' = ANY($6))
              AND ($8::text IS NULL OR part_number = $8)
              AND ($9::timestamptz IS NULL OR filed_at >= $9)
              AND ($10::timestamptz IS NULL OR filed_at < $10)
            ORDER BY {(filter.UrgentFirst ? rank + ", " : "")}filed_at, claim_id
            LIMIT $5
            """, conn)
        {
            Parameters =
            {
                new() { Value = (object?)state?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)onlyFor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)after?.FiledAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { Value = after?.ClaimId ?? "", NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = pageSize + 1 },
                new() { Value = (object?)centres?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = after?.Rank ?? 0 },
                new() { Value = (object?)filter.PartNumber ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)filter.FiledFrom ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { Value = (object?)filter.FiledBefore ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
        var rows = new List<(int Rank, DateTimeOffset FiledAt, DoaClaim Claim)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), ClaimDocument.Read(reader.GetString(2))));
        if (rows.Count <= pageSize) return new ClaimPage(rows.Select(r => r.Claim).ToList(), "");
        var last = rows[pageSize - 1];
        var position = last.FiledAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "~" + last.Claim.ClaimId;
        return new ClaimPage(rows.Take(pageSize).Select(r => r.Claim).ToList(),
            filter.UrgentFirst ? "u" + last.Rank.ToString(CultureInfo.InvariantCulture) + "~" + position : position);
    }

    private static (int Rank, DateTimeOffset FiledAt, string ClaimId)? ParseToken(string? token, bool urgentFirst)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var rank = 0;
        if (urgentFirst)
        {
            // "u<rank>~<ticks>~<id>": the urgency order's position
            if (token.Length < 4 || token[0] != 'u' || token[2] != '~' || token[1] is < '0' or > '2')
                throw new InvalidFieldException("page_token", "is not a token this API gave");
            rank = token[1] - '0';
            token = token[3..];
        }
        var cut = token.IndexOf('~', StringComparison.Ordinal);
        if (cut > 0 && long.TryParse(token.AsSpan(0, cut), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks && cut < token.Length - 1)
            return (rank, new DateTimeOffset(ticks, TimeSpan.Zero), token[(cut + 1)..]);
        throw new InvalidFieldException("page_token", "is not a token this API gave");
    }

    /// <summary>
    /// The units delivered on a request whose latest delivery it is and that have no claim other than Rejected ones: what a
    /// claim may be filed for (the filing checks the window and the rest). <paramref name="engineerId"/>: only units
    /// delivered to that engineer.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> ClaimableUnitsAsync(string requestId, string? engineerId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT d.serial, d.request_id, d.part_number, d.centre_id, d.site_id, d.engineer_id, d.delivered_at, d.receipt_id FROM deliveries d
            WHERE d.request_id = $1 AND ($2::text IS NULL OR d.engineer_id = $2)
              AND NOT EXISTS (SELECT 1 FROM doa_claims c WHERE c.part_number = d.part_number AND c.serial = d.serial AND c.state <> 'Rejected')
            ORDER BY d.part_number, d.serial
            LIMIT 500
            """, conn)
        { Parameters = { new() { Value = requestId }, new() { Value = (object?)engineerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var units = new List<Delivery>();
        while (await reader.ReadAsync(ct))
            units.Add(new Delivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7)));
        return units;
    }

    private static async Task<List<EarlierClaim>> EarlierClaimsAsync(NpgsqlTransaction tx, string partNumber, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT claim_id, state FROM doa_claims WHERE part_number = $1 AND serial = $2 ORDER BY filed_at, claim_id", tx.Connection, tx)
        { Parameters = { new() { Value = partNumber }, new() { Value = serial } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var claims = new List<EarlierClaim>();
        while (await reader.ReadAsync(ct)) claims.Add(new EarlierClaim(reader.GetString(0), Enum.Parse<DoaClaimState>(reader.GetString(1))));
        return claims;
    }

    private static void AddRow(NpgsqlCommand cmd, DoaClaim c)
    {
        cmd.Parameters.Add(new() { Value = c.ClaimId });
        cmd.Parameters.Add(new() { Value = c.PartNumber });
        cmd.Parameters.Add(new() { Value = c.Serial });
        cmd.Parameters.Add(new() { Value = c.RequestId });
        cmd.Parameters.Add(new() { Value = c.State.ToString() });
        cmd.Parameters.Add(new() { Value = c.FiledBy });
        cmd.Parameters.Add(new() { Value = c.EngineerId });
        cmd.Parameters.Add(new() { Value = c.FiledAt });
        cmd.Parameters.Add(new() { Value = (object?)c.ReplacementRequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = ClaimDocument.Write(c), NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    private static async Task<DoaClaim?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var cmd = command;
        return await cmd.ExecuteScalarAsync(ct) is string document ? ClaimDocument.Read(document) : null;
    }
}
