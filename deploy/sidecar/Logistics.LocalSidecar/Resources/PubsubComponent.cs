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

    // pubsub.redis' defaults for what a component file leaves out, as its code sets them (components-contrib
    // common/component/redis/redis.go, ParseClientFromProperties; metadata.yaml and the Dapr docs swap the two timings).
    public const int DefaultConcurrency = 10;
    public const int DefaultQueueDepth = 100;
    public static readonly TimeSpan DefaultProcessingTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultRedeliverInterval = TimeSpan.FromSeconds(15);

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
            ProcessingTimeout: Get("processingTimeout") is { } pt ? GoDuration.ParseMillisecondsOrDuration(pt, $"{name}.processingTimeout") : DefaultProcessingTimeout,
            RedeliverInterval: Get("redeliverInterval") is { } ri ? GoDuration.ParseMillisecondsOrDuration(ri, $"{name}.redeliverInterval") : DefaultRedeliverInterval,
            // As daprd: 10 workers per subscription, so a subscription's events reach the app up to 10 at a time, in no set order.
            Concurrency: Math.Max(1, Int("concurrency", DefaultConcurrency)),
            QueueDepth: Math.Max(1, Int("queueDepth", DefaultQueueDepth)),
            MaxLenApprox: maxLen,
            Scopes: TopicScopes.From(metadata));
    }

    private static InvalidDataException Bad(string name, string key, string value) =>
        new($"component {name}: {key} '{value}' is not a valid number");
}
