using Npgsql;

namespace Logistics.Benchmarks;

/// <summary>Publish-to-handled lag: p50 and p99 in milliseconds over a number of events, overall and per hop.</summary>
public sealed record EventLag(long Events, double P50Ms, double P99Ms, IReadOnlyList<EventLag.Hop> Hops)
{
    /// <summary>
    /// One topic as one subscriber handles it; <paramref name="RelayP50Ms"/> is the part of the lag before the
    /// publisher's relay took the row (the publishing transaction's own remaining work, its commit and the relay's
    /// wake-up), so a slow hop shows whether the publisher or the subscriber is slow.
    /// </summary>
    public sealed record Hop(string Topic, string Subscriber, long Events, double P50Ms, double P99Ms, double RelayP50Ms = double.NaN);

    /// <summary>
    /// The lag of every event written between <paramref name="from"/> and <paramref name="to"/> (Postgres's clock;
    /// measured after the cascade settled, so late events count too), inside the system: from the publishing
    /// transaction (the outbox row's created_at) to the handling transaction (the subscriber's inbox row's
    /// handled_at), both on Postgres's clock, over every publisher and subscriber.
    /// </summary>
    public static async Task<EventLag> InsideAsync(BenchmarkStack bench, DateTime from, DateTime to)
    {
        var apps = bench.Stack.Layout.Apps.Select(a => a.AppId).ToList();
        var pairs = string.Join("\nUNION ALL\n", apps.SelectMany(publisher => apps.Select(subscriber =>
            $"SELECT o.topic, '{subscriber}' AS subscriber, extract(epoch FROM i.handled_at - o.created_at) * 1000 AS ms, " +
            "extract(epoch FROM o.published_at - o.created_at) * 1000 AS relay_ms " +
            $"FROM {publisher}.outbox o JOIN {subscriber}.inbox i ON i.event_id = o.id::text WHERE o.created_at BETWEEN $1 AND $2")));
        await using var cmd = bench.Database.CreateCommand($"""
            WITH lag AS ({pairs})
            SELECT '' AS topic, '' AS subscriber, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY relay_ms) FROM lag
            UNION ALL
            SELECT topic, subscriber, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY relay_ms) FROM lag GROUP BY topic, subscriber
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to });
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<Hop>();
        while (await reader.ReadAsync())
            rows.Add(new Hop(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3), reader.IsDBNull(4) ? double.NaN : reader.GetDouble(4),
                reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5)));
        var all = rows.Single(r => r.Topic == "");
        return new EventLag(all.Events, all.P50Ms, all.P99Ms, rows.Where(r => r.Topic != "").OrderByDescending(r => r.P99Ms).ToList());
    }

    /// <summary>Postgres's clock now, to bound a window of <see cref="InsideAsync"/>.</summary>
    public static async Task<DateTime> DatabaseNowAsync(BenchmarkStack bench) => await bench.ScalarAsync<DateTime>("SELECT clock_timestamp()");
}
