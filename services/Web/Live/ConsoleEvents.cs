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
        EventTopics.PartRequestApproved, EventTopics.PartRequestCancelled, EventTopics.PartRequestShipped,
        EventTopics.PartRequestDelivered, EventTopics.PartInstalled, EventTopics.PartRequestClosed,
        // a request becomes Reserved when requests reads inventory's "reserved" movement: no event of its own
        EventTopics.StockMovementRecorded,
        EventTopics.ReceiptSigned, EventTopics.ReturnChanged, EventTopics.ReturnInspected,
        // the work inbox: requests waiting for (or no longer waiting for) a supervisor, claims, counts, anomalies
        EventTopics.PartRequestSubmitted, EventTopics.PartRequestRejected, EventTopics.DoaClaimChanged,
        EventTopics.StockCountChanged, EventTopics.CustodyAnomalyDetected,
    ];

    // The fields of the events (proto3 JSON names) that say whose screen an event concerns.
    private static readonly (string Field, string Prefix)[] KeyFields =
    [
        ("requestId", ""), ("returnId", ""), ("reference", ""), ("replacementRequestId", ""),
        ("engineerId", "engineer:"), ("centreId", "centre:"),
    ];

    public static void MapConsoleEvents(this WebApplication app)
    {
        var live = app.Services.GetRequiredService<LiveUpdates>();
        var inbox = app.Services.GetRequiredService<InboxStore>();
        foreach (var topic in Topics)
            app.MapEventNotification(topic, async (data, ct) =>
            {
                // Inventory lists no counts: the inbox keeps which counts exist from their events (a store failure
                // answers 500, and the sidecar delivers the event again).
                if (topic == EventTopics.StockCountChanged) await inbox.RecordCountAsync(data, ct);
                live.Notify([.. KeysOf(data), .. InboxRules.KeysOfTopic(topic)]);
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
        return keys;
    }
}
