using System.Text.Json;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Web.Inbox;

namespace Logistics.Web.Live;

/// <summary>The topics the console shows, subscribed through the app's sidecar; each event wakes the screens it concerns.</summary>
public static class ConsoleEvents
{
    public static readonly string[] Topics =
    [
        EventTopics.PartRequestApproved, EventTopics.PartRequestReservationChanged, EventTopics.PartRequestCancelled,
        EventTopics.PartRequestShipped, EventTopics.PartRequestDelivered, EventTopics.PartInstalled, EventTopics.PartRequestClosed,
        // units moving at a centre (a serial's page, stock levels)
        EventTopics.StockMovementRecorded,
        EventTopics.ReceiptSigned, EventTopics.ReturnChanged, EventTopics.ReturnInspected,
        EventTopics.StockCountChanged, EventTopics.DispositionChanged,
        // every step of a transfer between centres (both centres' Transfers page)
        EventTopics.TransferChanged,
        // every step of a DOA claim (the claims queue and a claim's page)
        EventTopics.DoaClaimChanged,
        // the work inbox: requests waiting for (or no longer waiting for) a supervisor
        EventTopics.PartRequestSubmitted, EventTopics.PartRequestRejected,
        // custody's own findings (the anomalies list, a serial's page, the inbox); the custody steps themselves come from
        // the topics above, which name the serials they move
        EventTopics.CustodyAnomalyDetected, EventTopics.CustodyAnomalyResolved,
        // every step of a lost-in-transit investigation (the investigations list, one investigation's page, the request
        // it concerns, the inbox)
        EventTopics.TransitInvestigationChanged,
    ];

    /// <summary>The key every DOA claim's change also wakes: the claims queue.</summary>
    public const string DoaClaims = "doa-claims";

    /// <summary>The key every anomaly raised or resolved also wakes: the anomalies list.</summary>
    public const string Anomalies = "anomalies";

    /// <summary>The key every lost-in-transit investigation's step also wakes: the investigations list.</summary>
    public const string TransitInvestigations = "transit-investigations";

    /// <summary>The key of a serial's page, woken by any event that names the serial.</summary>
    public static string SerialKey(string serial) => "serial:" + serial;

    // The fields of the events (proto3 JSON names) that say whose screen an event concerns.
    private static readonly (string Field, string Prefix)[] KeyFields =
    [
        ("requestId", ""), ("returnId", ""), ("reference", ""), ("replacementRequestId", ""),
        ("engineerId", "engineer:"), ("centreId", "centre:"), ("countId", ""),
        ("claimId", ""), ("doaClaimId", ""),
        ("transferId", ""), ("fromCentreId", "centre:"), ("toCentreId", "centre:"),
        ("investigationId", ""),
    ];

    // The fields (one serial or a list of them) that name the serials an event moves or concerns.
    private static readonly string[] SerialFields =
    [
        "serial", "serials", "replacementSerial", "installedSerial", "removedSerial", "deliveredSerials", "discrepancySerials",
        "declaredSerials", "missingSerials", "withdrawnSerials",
    ];

    public static void MapConsoleEvents(this WebApplication app)
    {
        var live = app.Services.GetRequiredService<LiveUpdates>();
        foreach (var topic in Topics)
            app.MapEventNotification(topic, (data, _) =>
            {
                IEnumerable<string> keys = [.. KeysOf(data), .. InboxRules.KeysOfTopic(topic)];
                live.Notify(topic switch
                {
                    EventTopics.DoaClaimChanged => [.. keys, DoaClaims],
                    EventTopics.CustodyAnomalyDetected or EventTopics.CustodyAnomalyResolved => [.. keys, Anomalies],
                    EventTopics.TransitInvestigationChanged => [.. keys, TransitInvestigations],
                    _ => [.. keys],
                });
                return Task.CompletedTask;
            });
    }

    public static IReadOnlyCollection<string> KeysOf(string data)
    {
        var keys = new List<string>();
        using var json = JsonDocument.Parse(data);
        if (json.RootElement.ValueKind != JsonValueKind.Object) return keys;
        foreach (var (field, prefix) in KeyFields)
            if (json.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s)
                keys.Add(prefix + s);
        foreach (var field in SerialFields)
        {
            if (!json.RootElement.TryGetProperty(field, out var value)) continue;
            if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } one) keys.Add(SerialKey(one));
            else if (value.ValueKind == JsonValueKind.Array)
                foreach (var item in value.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } each) keys.Add(SerialKey(each));
        }
        return keys;
    }
}
