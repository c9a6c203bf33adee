using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Npgsql;

namespace Logistics.Custody.Events;

/// <summary>The integration events custody publishes (through the outbox), each with the anomaly change it announces.</summary>
public static class CustodyEvents
{
    /// <summary>Records the anomaly unless it was found before, and publishes CustodyAnomalyDetected once; returns whether it is new.</summary>
    public static async Task<bool> AnomalyDetectedAsync(NpgsqlTransaction tx, DetectedAnomaly anomaly, DateTimeOffset detectedAt, CancellationToken ct)
    {
        if (!await AnomaliesTable.RecordAsync(tx, anomaly, detectedAt, ct)) return false;
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

    /// <summary>Records a resolution of a recorded anomaly and publishes CustodyAnomalyResolved, in the caller's transaction.</summary>
    public static async Task<StoredAnomaly> AnomalyResolvedAsync(NpgsqlTransaction tx, AnomalyResolution resolution, CancellationToken ct)
    {
        var anomaly = await AnomaliesTable.ResolveAsync(tx, resolution, ct);
        await Outbox.EnqueueAsync(tx, EventTopics.CustodyAnomalyResolved, new CustodyAnomalyResolved
        {
            AnomalyId = anomaly.AnomalyId,
            Kind = anomaly.Kind,
            Serial = anomaly.Serial,
            ResolvedBy = resolution.ResolvedBy,
            Note = resolution.Note,
            ResolvedAt = Timestamp.FromDateTimeOffset(resolution.ResolvedAt),
        }, ct);
        return anomaly;
    }

    /// <summary>
    /// Resolves, as <see cref="AnomaliesTable.Withdrawn"/>, the serial's open chain breaks that a replay of its chain no
    /// longer finds: each was found against a state that an event arriving later put right. The anomaly stays on record,
    /// since it was published; its resolution says why it no longer holds.
    /// </summary>
    public static async Task ChainBreaksWithdrawnAsync(NpgsqlTransaction tx, string serial, IReadOnlyList<string> stillFound, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var id in await AnomaliesTable.OpenChainBreaksOtherThanAsync(tx, serial, stillFound, ct))
        {
            await AnomalyResolvedAsync(tx, new AnomalyResolution(id, AnomaliesTable.Withdrawn,
                $"withdrawn: an event that arrived late put serial {serial}'s chain in business order, and this break is not in it", at), ct);
        }
    }
}
