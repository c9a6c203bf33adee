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

    public static async Task<RedisStreams> ConnectAsync(PubsubComponent component) =>
        new(component, await ConnectionMultiplexer.ConnectAsync(Configuration(component, "local-sidecar")));

    /// <summary>
    /// A connection of its own for one subscription's blocking reads: XREADGROUP … BLOCK holds the connection
    /// until an entry arrives, which would stall every other command on a shared one.
    /// </summary>
    public async Task<BlockingReader> OpenBlockingReaderAsync()
    {
        var config = Configuration(Component, "local-sidecar-reader");
        config.Protocol = RedisProtocol.Resp2; // the reply is parsed below as RESP2 arrays
        config.AsyncTimeout = config.SyncTimeout = (int)(BlockingReader.Block + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        return new BlockingReader(await ConnectionMultiplexer.ConnectAsync(config), Component.ConsumerId);
    }

    private static ConfigurationOptions Configuration(PubsubComponent component, string clientName)
    {
        var config = new ConfigurationOptions
        {
            EndPoints = { component.RedisHost },
            User = component.RedisUsername,
            Password = component.RedisPassword,
            DefaultDatabase = component.RedisDb,
            Ssl = component.EnableTls,
            ClientName = clientName,
            // Keep running and reconnect in the background when Redis is not up yet or restarts.
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            // While Redis is away, fail a command at once (publish answers 500, the loops back off)
            // rather than queueing it behind a reconnect the caller cannot see.
            BacklogPolicy = BacklogPolicy.FailFast,
        };
        return config;
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
