using System.Text.Json;
using Logistics.LocalSidecar.Resources;
using StackExchange.Redis;

namespace Logistics.LocalSidecar.Pubsub;

/// <summary>
/// One pubsub.redis component: a topic is a Redis stream of that name, an event is an entry whose `data` field
/// holds the CloudEvent JSON, and each subscribing app id reads through a consumer group named after its
/// consumerID (also the consumer name, as pubsub.redis does).
/// </summary>
public sealed class RedisStreams : IAsyncDisposable
{
    public const string DataField = "data";
    private const string MetadataField = "metadata";

    private readonly ConnectionMultiplexer _redis;

    public PubsubComponent Component { get; }

    private RedisStreams(PubsubComponent component, ConnectionMultiplexer redis)
    {
        Component = component;
        _redis = redis;
    }

    public static async Task<RedisStreams> ConnectAsync(PubsubComponent component)
    {
        var config = new ConfigurationOptions
        {
            EndPoints = { component.RedisHost },
            User = component.RedisUsername,
            Password = component.RedisPassword,
            DefaultDatabase = component.RedisDb,
            Ssl = component.EnableTls,
            ClientName = "local-sidecar",
            // Keep running and reconnect in the background when Redis is not up yet or restarts.
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            // While Redis is away, fail a command at once (publish answers 500, the loops back off)
            // rather than queueing it behind a reconnect the caller cannot see.
            BacklogPolicy = BacklogPolicy.FailFast,
        };
        return new RedisStreams(component, await ConnectionMultiplexer.ConnectAsync(config));
    }

    private IDatabase Db => _redis.GetDatabase();

    private RedisValue Group => Component.ConsumerId;

    public async Task PingAsync() => await Db.PingAsync();

    /// <summary>XADD topic [MAXLEN ~ n] * data &lt;event&gt; [metadata &lt;json&gt;].</summary>
    public async Task<string> AddAsync(string topic, byte[] data, IReadOnlyDictionary<string, string>? metadata)
    {
        var fields = metadata is { Count: > 0 }
            ? new[] { new NameValueEntry(DataField, data), new NameValueEntry(MetadataField, JsonSerializer.Serialize(metadata)) }
            : [new NameValueEntry(DataField, data)];
        var id = await Db.StreamAddAsync(topic, fields, maxLength: Component.MaxLenApprox, useApproximateMaxLength: Component.MaxLenApprox.HasValue);
        return id.ToString();
    }

    /// <summary>
    /// XGROUP CREATE topic group 0 MKSTREAM, as pubsub.redis does: a group created now starts at the beginning
    /// of the stream, so events published before this app first subscribed are still delivered.
    /// </summary>
    public async Task EnsureGroupAsync(string topic)
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(topic, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group already exists: keep its position and its pending list.
        }
    }

    /// <summary>XREADGROUP GROUP g g COUNT n STREAMS topic &gt; (new entries only; they become pending for this group).</summary>
    public Task<StreamEntry[]> ReadNewAsync(string topic, int count) =>
        Db.StreamReadGroupAsync(topic, Group, Group, StreamPosition.NewMessages, count);

    /// <summary>
    /// pubsub.redis' reclaim: XPENDING for entries idle at least processingTimeout, then XCLAIM them (the claim
    /// resets their idle time, so the next round leaves them alone while they are delivered again).
    /// </summary>
    public async Task<StreamEntry[]> ClaimIdleAsync(string topic, Func<string, bool> skip)
    {
        var idleMs = (long)Component.ProcessingTimeout.TotalMilliseconds;
        var pending = await Db.StreamPendingMessagesAsync(topic, Group, Component.QueueDepth, RedisValue.Null, minIdleTimeInMs: idleMs);
        var ids = pending.Select(p => p.MessageId).Where(id => !skip(id.ToString())).ToArray();
        if (ids.Length == 0) return [];
        var claimed = await Db.StreamClaimAsync(topic, Group, Group, idleMs, ids);
        // An entry trimmed from the stream (maxLenApprox) comes back null: Redis drops it from the pending list itself.
        return claimed.Where(e => !e.IsNull).ToArray();
    }

    public Task AckAsync(string topic, RedisValue entryId) => Db.StreamAcknowledgeAsync(topic, Group, entryId);

    public ValueTask DisposeAsync() => _redis.DisposeAsync();
}
