using Npgsql;

namespace Logistics.Benchmarks;

/// <summary>Publish-to-handled lag: p50 and p99 in milliseconds over a number of events.</summary>
public sealed record EventLag(long Events, double P50Ms, double P99Ms)
{
    /// <summary>
    /// The lag of every event written between <paramref name="from"/> and <paramref name="to"/> (Postgres's clock;
    /// measured after the cascade settled, so late events count too), inside the system: from the
    /// publishing transaction (the outbox row's created_at) to the handling transaction (the subscriber's inbox
    /// row's handled_at), both on Postgres's clock, over every publisher and subscriber.
    /// </summary>
    public static async Task<EventLag> InsideAsync(BenchmarkStack bench, DateTime from, DateTime to)
    {
        var apps = bench.Stack.Layout.Apps.Select(a => a.AppId).ToList();
        var pairs = string.Join("\nUNION ALL\n", apps.SelectMany(publisher => apps.Select(subscriber =>
            $"SELECT extract(epoch FROM i.handled_at - o.created_at) * 1000 AS ms FROM {publisher}.outbox o JOIN {subscriber}.inbox i ON i.event_id = o.id::text " +
            "WHERE o.created_at BETWEEN $1 AND $2")));
        await using var cmd = bench.Database.CreateCommand(
            $"SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM ({pairs}) lag");
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0) == 0 ? new EventLag(0, double.NaN, double.NaN) : new EventLag(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    /// <summary>Postgres's clock now, to bound a window of <see cref="InsideAsync"/>.</summary>
    public static async Task<DateTime> DatabaseNowAsync(BenchmarkStack bench) => await bench.ScalarAsync<DateTime>("SELECT clock_timestamp()");
}
