using StackExchange.Redis;

namespace Logistics.LocalSidecar.Pubsub;

/// <summary>
/// Reads a subscription's new entries with a blocking read, as pubsub.redis does: XREADGROUP GROUP g g COUNT n BLOCK t
/// STREAMS topic &gt;, so an entry is handed over the moment it is added instead of at the next poll. The block is
/// bounded so a lost connection shows within seconds. The entries read become pending for the group.
/// </summary>
public sealed class BlockingReader(ConnectionMultiplexer redis, string group) : IAsyncDisposable
{
    public static readonly TimeSpan Block = TimeSpan.FromSeconds(2);

    /// <summary>Up to <paramref name="count"/> new entries, waiting up to <see cref="Block"/> for the first; none when none came.</summary>
    public async Task<StreamEntry[]> ReadNewAsync(string topic, int count)
    {
        var reply = await redis.GetDatabase().ExecuteAsync("XREADGROUP",
            "GROUP", group, group, "COUNT", count, "BLOCK", (long)Block.TotalMilliseconds, "STREAMS", topic, ">");
        if (reply.IsNull) return []; // the block ran out
        // [[topic, [[id, [field, value, ...]], ...]]]
        var streams = (RedisResult[])reply!;
        var entries = (RedisResult[])((RedisResult[])streams[0]!)[1]!;
        return entries.Select(ToEntry).ToArray();
    }

    private static StreamEntry ToEntry(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var fields = parts[1].IsNull ? [] : (RedisValue[])parts[1]!;
        var values = new NameValueEntry[fields.Length / 2];
        for (var i = 0; i < values.Length; i++) values[i] = new NameValueEntry(fields[2 * i], fields[2 * i + 1]);
        return new StreamEntry((RedisValue)parts[0], values);
    }

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}
