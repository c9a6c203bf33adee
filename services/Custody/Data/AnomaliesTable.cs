using Logistics.Custody.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Custody.Data;

/// <summary>A stored anomaly; <see cref="Seq"/> is its place in detection order (the page cursor).</summary>
public sealed record StoredAnomaly(long Seq, string AnomalyId, string Kind, string Serial, string Detail, string Reference, string EventId, DateTimeOffset DetectedAt,
    AnomalyResolution? Resolution = null);

/// <summary>The list filter on resolution.</summary>
public enum AnomalyState { Any, Open, Resolved }

/// <summary>The anomalies found, each recorded once (and published by Events/CustodyEvents in the same transaction).</summary>
public sealed class AnomaliesTable(NpgsqlDataSource dataSource)
{
    /// <summary>Records the anomaly unless it was found before; returns whether it is new.</summary>
    public static async Task<bool> RecordAsync(NpgsqlTransaction tx, DetectedAnomaly anomaly, DateTimeOffset detectedAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO anomalies (anomaly_id, kind, serial, detail, reference, event_id, detected_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (anomaly_id) DO NOTHING
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = anomaly.AnomalyId }, new() { Value = anomaly.Kind.WireName() }, new() { Value = anomaly.Serial },
                new() { Value = anomaly.Detail }, new() { Value = anomaly.Reference }, new() { Value = anomaly.EventId }, new() { Value = detectedAt },
            },
        };
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>
    /// Records a resolution of a recorded anomaly in the caller's transaction, and returns the anomaly resolved. The
    /// anomaly's row is locked first, so two supervisors resolving at once get one resolution and one refusal.
    /// </summary>
    public static async Task<StoredAnomaly> ResolveAsync(NpgsqlTransaction tx, AnomalyResolution resolution, CancellationToken ct)
    {
        var anomaly = await FindAsync(tx, resolution.AnomalyId, forUpdate: true, ct)
            ?? throw new NotFoundException($"anomaly {resolution.AnomalyId} was never recorded");
        if (anomaly.Resolution is { } earlier)
            throw new RuleViolationException($"anomaly {anomaly.AnomalyId} was already resolved by {earlier.ResolvedBy} at {earlier.ResolvedAt:u}");
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO anomaly_resolutions (anomaly_id, resolved_by, note, resolved_at) VALUES ($1, $2, $3, $4)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = resolution.AnomalyId }, new() { Value = resolution.ResolvedBy }, new() { Value = resolution.Note },
                new() { Value = resolution.ResolvedAt },
            },
        })
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
        return anomaly with { Resolution = resolution };
    }

    /// <summary>Who resolves a break that a late event showed was never there.</summary>
    public const string Withdrawn = "custody";

    /// <summary>
    /// The serial's open chain breaks (those naming a custody event) other than <paramref name="stillFound"/>: those a replay
    /// of its chain no longer finds.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OpenChainBreaksOtherThanAsync(NpgsqlTransaction tx, string serial, IReadOnlyList<string> stillFound,
        CancellationToken ct)
    {
        var stale = new List<string>();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT a.anomaly_id FROM anomalies a LEFT JOIN anomaly_resolutions r USING (anomaly_id)
            WHERE a.serial = $1 AND a.event_id <> '' AND r.anomaly_id IS NULL AND NOT (a.anomaly_id = ANY($2))
            ORDER BY a.seq
            """, tx.Connection, tx) { Parameters = { new() { Value = serial }, new() { Value = stillFound.ToArray() } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) stale.Add(reader.GetString(0));
        return stale;
    }

    private const string Columns =
        "a.seq, a.anomaly_id, a.kind, a.serial, a.detail, a.reference, a.event_id, a.detected_at, r.resolved_by, r.note, r.resolved_at";

    private static async Task<StoredAnomaly?> FindAsync(NpgsqlTransaction tx, string anomalyId, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM anomalies a LEFT JOIN anomaly_resolutions r USING (anomaly_id) WHERE a.anomaly_id = $1{(forUpdate ? " FOR UPDATE OF a" : "")}",
            tx.Connection, tx) { Parameters = { new() { Value = anomalyId } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static StoredAnomaly Read(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
            reader.IsDBNull(8) ? null : new AnomalyResolution(reader.GetString(1), reader.GetString(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10)));

    /// <summary>Newest first, optionally of one kind, serial and/or state, before the cursor if given.</summary>
    /// <remarks>Only the filters given go into the statement, so each is an index condition (never "$1 = '' OR ...").</remarks>
    public async Task<IReadOnlyList<StoredAnomaly>> PageAsync(AnomalyKind? kind, string serial, long? before, int limit, CancellationToken ct,
        AnomalyState state = AnomalyState.Any)
    {
        await using var cmd = dataSource.CreateCommand();
        var where = new List<string>();
        void Filter(string condition, object value)
        {
            cmd.Parameters.Add(new() { Value = value });
            where.Add(condition.Replace("$?", "$" + cmd.Parameters.Count, StringComparison.Ordinal));
        }
        if (kind is { } k) Filter("a.kind = $?", k.WireName());
        if (serial != "") Filter("a.serial = $?", serial);
        if (before is { } b) Filter("a.seq < $?", b);
        if (state == AnomalyState.Open) where.Add("r.anomaly_id IS NULL");
        if (state == AnomalyState.Resolved) where.Add("r.anomaly_id IS NOT NULL");
        cmd.Parameters.Add(new() { Value = limit });
        cmd.CommandText =
            $"""
            SELECT {Columns} FROM anomalies a LEFT JOIN anomaly_resolutions r USING (anomaly_id)
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY a.seq DESC
            LIMIT ${cmd.Parameters.Count}
            """;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var page = new List<StoredAnomaly>();
        while (await reader.ReadAsync(ct)) page.Add(Read(reader));
        return page;
    }
}
