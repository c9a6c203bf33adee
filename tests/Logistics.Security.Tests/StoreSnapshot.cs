using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.Security.Tests;

/// <summary>
/// Everything the stack has stored, read in one go: each table of each service schema (its row count and a hash of
/// its rows) and every Redis key with its contents. Two equal readings mean nothing was written in between.
/// </summary>
public sealed class StoreSnapshot : IAsyncDisposable
{
    private readonly TestStack _stack;
    private readonly ConnectionMultiplexer _redis;
    private readonly string _sql;

    private const string RedisDigest = """
        local keys = redis.call('KEYS', '*')
        table.sort(keys)
        local parts = {}
        for _, k in ipairs(keys) do
          local t = redis.call('TYPE', k)['ok']
          local v
          if t == 'hash' then
            local flat = redis.call('HGETALL', k)
            local pairs = {}
            for i = 1, #flat, 2 do pairs[#pairs + 1] = flat[i] .. '=' .. flat[i + 1] end
            table.sort(pairs)
            v = table.concat(pairs, ',')
          elseif t == 'string' then v = redis.call('GET', k)
          elseif t == 'set' then local m = redis.call('SMEMBERS', k); table.sort(m); v = table.concat(m, ',')
          elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), ',')
          elseif t == 'list' then v = table.concat(redis.call('LRANGE', k, 0, -1), ',')
          elseif t == 'stream' then v = tostring(redis.call('XLEN', k))
          else v = t end
          parts[#parts + 1] = k .. '=' .. v
        end
        return #keys .. ' keys ' .. redis.sha1hex(table.concat(parts, '|'))
        """;

    private StoreSnapshot(TestStack stack, ConnectionMultiplexer redis, IReadOnlyList<string> tables)
    {
        _stack = stack;
        _redis = redis;
        Tables = tables;
        _sql = "SELECT concat_ws('|', " + string.Join(", ", tables.Select(t =>
            $"'{t}=' || (SELECT count(*) || ':' || md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM {t} r)")) + ")";
    }

    public IReadOnlyList<string> Tables { get; }

    public static async Task<StoreSnapshot> OpenAsync(TestStack stack)
    {
        var tables = new List<string>();
        await using (var cmd = stack.Database.CreateCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        return new StoreSnapshot(stack, redis, tables);
    }

    /// <summary>table → "rows:hash", and "redis" → "n keys hash".</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync()
    {
        var rows = await _stack.ScalarAsync<string>(_sql) ?? "";
        var reading = rows.Split('|').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        reading["redis"] = (string)(await _redis.GetDatabase().ScriptEvaluateAsync(RedisDigest))!;
        return reading;
    }

    /// <summary>What differs between two readings, e.g. "inventory.parts 12 → 13 rows".</summary>
    public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k} {Count(before.GetValueOrDefault(k))} → {Count(after.GetValueOrDefault(k))}")
            .ToList();

    private static string Count(string? reading) => reading is null ? "(none)" : reading.Split(' ', ':')[0] + (reading.Contains(':') ? " rows" : " keys");

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
