namespace Logistics.LocalSidecar.Resources;

/// <summary>A `pubsub.redis` component, with pubsub.redis' defaults for what the file leaves out.</summary>
public sealed record PubsubComponent(
    string Name,
    string RedisHost,
    string? RedisUsername,
    string? RedisPassword,
    int RedisDb,
    bool EnableTls,
    string ConsumerId,
    TimeSpan ProcessingTimeout,
    TimeSpan RedeliverInterval,
    int Concurrency,
    int QueueDepth,
    long? MaxLenApprox,
    TopicScopes Scopes)
{
    public const string Type = "pubsub.redis";

    /// <summary>pubsub.redis: "0" for either setting disables redelivery of pending messages.</summary>
    public bool RedeliveryEnabled => ProcessingTimeout > TimeSpan.Zero && RedeliverInterval > TimeSpan.Zero;

    public static PubsubComponent FromMetadata(string name, IReadOnlyDictionary<string, string> metadata, string appId)
    {
        string? Get(string key) => metadata.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        int Int(string key, int fallback) =>
            Get(key) is { } v ? int.TryParse(v, out var n) && n >= 0 ? n : throw Bad(name, key, v) : fallback;

        var host = Get("redisHost") ?? throw new InvalidDataException($"component {name}: redisHost is required");
        if (Get("redisType") is { } type && type != "node")
            throw new InvalidDataException($"component {name}: redisType {type} is not supported (node only)");

        // daprd fills in the app id when consumerID is left out; {appID} and {uuid} are its templates.
        var consumerId = (Get("consumerID") ?? appId)
            .Replace("{appID}", appId, StringComparison.Ordinal)
            .Replace("{uuid}", Guid.NewGuid().ToString(), StringComparison.Ordinal);

        long? maxLen = null;
        if (Get("maxLenApprox") is { } m)
            maxLen = long.TryParse(m, out var n) && n > 0 ? n : throw Bad(name, "maxLenApprox", m);

        return new PubsubComponent(
            Name: name,
            RedisHost: host,
            RedisUsername: Get("redisUsername"),
            RedisPassword: Get("redisPassword"),
            RedisDb: Int("redisDB", 0),
            EnableTls: bool.TryParse(Get("enableTLS"), out var tls) && tls,
            ConsumerId: consumerId,
            // pubsub.redis' code defaults (its docs table has the two swapped): processingTimeout 60s, redeliverInterval 15s.
            ProcessingTimeout: Get("processingTimeout") is { } pt ? GoDuration.ParseMillisecondsOrDuration(pt, $"{name}.processingTimeout") : TimeSpan.FromSeconds(60),
            RedeliverInterval: Get("redeliverInterval") is { } ri ? GoDuration.ParseMillisecondsOrDuration(ri, $"{name}.redeliverInterval") : TimeSpan.FromSeconds(15),
            // pubsub.redis defaults to 10 workers; one keeps a topic's order and is easier to reason about locally.
            Concurrency: Math.Max(1, Int("concurrency", 1)),
            QueueDepth: Math.Max(1, Int("queueDepth", 100)),
            MaxLenApprox: maxLen,
            Scopes: TopicScopes.From(metadata));
    }

    private static InvalidDataException Bad(string name, string key, string value) =>
        new($"component {name}: {key} '{value}' is not a valid number");
}
