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
        EventTopics.StockCountChanged,
        // every step of a DOA claim (the claims queue and a claim's page)
        EventTopics.DoaClaimChanged,
        // the work inbox: requests waiting for (or no longer waiting for) a supervisor; anomalies opened and resolved
        EventTopics.PartRequestSubmitted, EventTopics.PartRequestRejected,
        EventTopics.CustodyAnomalyDetected, EventTopics.CustodyAnomalyResolved,
    ];

    /// <summary>The key every DOA claim's change also wakes: the claims queue.</summary>
    public const string DoaClaims = "doa-claims";

    // The fields of the events (proto3 JSON names) that say whose screen an event concerns.
    private static readonly (string Field, string Prefix)[] KeyFields =
    [
        ("requestId", ""), ("returnId", ""), ("reference", ""), ("replacementRequestId", ""),
        ("engineerId", "engineer:"), ("centreId", "centre:"), ("countId", ""),
        ("claimId", ""), ("doaClaimId", ""),
    ];

    public static void MapConsoleEvents(this WebApplication app)
    {
        var live = app.Services.GetRequiredService<LiveUpdates>();
        foreach (var topic in Topics)
            app.MapEventNotification(topic, (data, _) =>
            {
                IEnumerable<string> keys = [.. KeysOf(data), .. InboxRules.KeysOfTopic(topic)];
                live.Notify(topic == EventTopics.DoaClaimChanged ? [.. keys, DoaClaims] : [.. keys]);
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
        return keys;
    }
}
