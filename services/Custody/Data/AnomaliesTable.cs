using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Domain;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Npgsql;

namespace Logistics.Custody.Data;

/// <summary>A stored anomaly; <see cref="Seq"/> is its place in detection order (the page cursor).</summary>
public sealed record StoredAnomaly(long Seq, string AnomalyId, string Kind, string Serial, string Detail, string Reference, string EventId, DateTimeOffset DetectedAt);

/// <summary>The anomalies found, each recorded and published (CustodyAnomalyDetected, through the outbox) once.</summary>
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
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) return false;
        await Outbox.EnqueueAsync(tx, EventTopics.CustodyAnomalyDetected, new CustodyAnomalyDetected
        {
            AnomalyId = anomaly.AnomalyId,
            Kind = anomaly.Kind.WireName(),
            Serial = anomaly.Serial,
            Detail = anomaly.Detail,
            Reference = anomaly.Reference,
            DetectedAt = Timestamp.FromDateTimeOffset(detectedAt),
        }, ct);
        return true;
    }

    /// <summary>Newest first, optionally of one kind and/or serial, before the cursor if given.</summary>
    /// <remarks>Only the filters given go into the statement, so each is an index condition (never "$1 = '' OR ...").</remarks>
    public async Task<IReadOnlyList<StoredAnomaly>> PageAsync(AnomalyKind? kind, string serial, long? before, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand();
        var where = new List<string>();
        void Filter(string condition, object value)
        {
            cmd.Parameters.Add(new() { Value = value });
            where.Add(condition.Replace("$?", "$" + cmd.Parameters.Count, StringComparison.Ordinal));
        }
        if (kind is { } k) Filter("kind = $?", k.WireName());
        if (serial != "") Filter("serial = $?", serial);
        if (before is { } b) Filter("seq < $?", b);
        cmd.Parameters.Add(new() { Value = limit });
        cmd.CommandText =
            $"""
            SELECT seq, anomaly_id, kind, serial, detail, reference, event_id, detected_at FROM anomalies
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY seq DESC
            LIMIT ${cmd.Parameters.Count}
            """;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var page = new List<StoredAnomaly>();
        while (await reader.ReadAsync(ct))
        {
            page.Add(new StoredAnomaly(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return page;
    }
}
