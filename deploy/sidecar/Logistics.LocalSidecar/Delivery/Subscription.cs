using System.Text.Json;

namespace Logistics.LocalSidecar.Delivery;

/// <summary>One entry of the app's GET /dapr/subscribe answer, reduced to what delivery needs.</summary>
public sealed record Subscription(
    string PubsubName,
    string Topic,
    string? Path,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public override string ToString() =>
        $"{PubsubName}/{Topic} -> {(Path is null ? "(no route)" : "/" + Path)}{(DeadLetterTopic is null ? "" : $" (dead letters to {DeadLetterTopic})")}";

    /// <summary>
    /// Reads what Dapr.AspNetCore's MapSubscribeHandler() answers: [{pubsubname, topic, route}] or
    /// [{pubsubname, topic, routes: {rules: [{match, path}], default}}], with optional deadLetterTopic and
    /// metadata. Field names match case-insensitively, as daprd's JSON decoding does.
    /// </summary>
    public static IReadOnlyList<Subscription> Parse(string json, Action<string> warn)
    {
        var items = JsonSerializer.Deserialize<List<SubscriptionJson>>(json, Json) ?? [];
        var result = new List<Subscription>();
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.PubsubName) || string.IsNullOrEmpty(item.Topic))
            {
                warn($"subscription without pubsubname or topic skipped: {JsonSerializer.Serialize(item)}");
                continue;
            }
            var rules = item.Routes?.Rules ?? [];
            // Match expressions are CEL, which the local sidecar does not evaluate: such rules never match.
            if (rules.Any(r => !string.IsNullOrWhiteSpace(r.Match)))
                warn($"{item.PubsubName}/{item.Topic}: routing rules with `match` are not evaluated by the local sidecar; events go to the default route");
            var path = rules.FirstOrDefault(r => string.IsNullOrWhiteSpace(r.Match))?.Path
                ?? NullIfEmpty(item.Routes?.Default)
                ?? NullIfEmpty(item.Route);
            var metadata = item.Metadata ?? [];
            if (metadata.TryGetValue("rawPayload", out var raw) && raw == "true")
                warn($"{item.PubsubName}/{item.Topic}: rawPayload subscriptions are not supported; events are delivered as CloudEvents");
            result.Add(new Subscription(item.PubsubName, item.Topic, path?.TrimStart('/'), NullIfEmpty(item.DeadLetterTopic), metadata));
        }
        return result;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private sealed class SubscriptionJson
    {
        public string? PubsubName { get; set; }
        public string? Topic { get; set; }
        public string? Route { get; set; }
        public RoutesJson? Routes { get; set; }
        public string? DeadLetterTopic { get; set; }
        public Dictionary<string, string>? Metadata { get; set; }
    }

    private sealed class RoutesJson
    {
        public List<RuleJson>? Rules { get; set; }
        public string? Default { get; set; }
    }

    private sealed class RuleJson
    {
        public string? Match { get; set; }
        public string? Path { get; set; }
    }
}
