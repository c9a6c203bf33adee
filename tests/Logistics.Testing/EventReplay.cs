using System.Text;
using Npgsql;
using Xunit.Sdk;

namespace Logistics.Testing;

/// <summary>One delivery of a recorded event to a subscriber: its CloudEvent id, topic, a label for failure reports, and the handler.</summary>
public sealed record Delivery<TTarget>(string EventId, string Topic, string What, Func<TTarget, NpgsqlTransaction, Task> Handle);

/// <summary>A subscriber's own tables over a fresh database: where deliveries are applied and the final state read back.</summary>
public interface IReplayTarget : IAsyncDisposable
{
    NpgsqlDataSource Db { get; }

    /// <summary>The subscriber's final state as text lines (rows of the tables it writes, without arrival-time columns).</summary>
    Task<IReadOnlyList<string>> StateAsync();
}

/// <summary>
/// Proves a subscriber order-independent: a recorded sequence of events is applied in order to a fresh database, then
/// replayed many times shuffled and with duplicates (each run against a fresh database, seeded; every second run
/// delivers several events at once, as a sidecar at concurrency 10 does), and each run's final state must equal the
/// in-order one. Deliveries go through the same inbox statement as MapIntegrationEvent, in one transaction with the
/// handler; a handler that throws is rolled back and delivered again later (the sidecar's retry), and one that never
/// succeeds ends up dead-lettered, which is part of the compared state.
/// </summary>
public static class EventReplay
{
    private const int MaxAttempts = 30;

    public static async Task AssertOrderIndependentAsync<TTarget>(IReadOnlyList<Delivery<TTarget>> recorded, Func<Task<TTarget>> fresh,
        int runs = 20, int seed = 18)
        where TTarget : IReplayTarget
    {
        if (recorded.Select(d => d.EventId).Distinct().Count() != recorded.Count)
            throw new ArgumentException("each recorded event needs its own event id", nameof(recorded));

        var expected = await RunAsync(recorded, fresh, parallel: 1);
        for (var run = 0; run < runs; run++)
        {
            var runSeed = seed * 1000 + run;
            var order = Shuffled(recorded, new Random(runSeed));
            var parallel = run % 2 == 0 ? 1 : 4;
            var actual = await RunAsync(order, fresh, parallel);
            if (actual.SequenceEqual(expected)) continue;
            throw new XunitException(
                $"Final state differs from in-order delivery. Reproduce with seed {seed}, run {run} (Random({runSeed})), {parallel} at a time.\n"
                + $"Delivery order:\n  {string.Join("\n  ", order.Select(d => d.What))}\n"
                + $"Only in order:\n  {string.Join("\n  ", expected.Except(actual))}\n"
                + $"Only in this run:\n  {string.Join("\n  ", actual.Except(expected))}");
        }
    }

    /// <summary>The events shuffled, then about a third of them delivered once more at a random place (a redelivery).</summary>
    public static List<Delivery<TTarget>> Shuffled<TTarget>(IReadOnlyList<Delivery<TTarget>> recorded, Random random)
    {
        var order = recorded.ToList();
        for (var i = order.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var duplicates = random.Next(1, recorded.Count / 3 + 2);
        for (var i = 0; i < duplicates; i++) order.Insert(random.Next(order.Count + 1), recorded[random.Next(recorded.Count)]);
        return order;
    }

    private static async Task<IReadOnlyList<string>> RunAsync<TTarget>(IReadOnlyList<Delivery<TTarget>> order, Func<Task<TTarget>> fresh, int parallel)
        where TTarget : IReplayTarget
    {
        await using var target = await fresh();
        var pending = new Queue<(Delivery<TTarget> Delivery, int Attempts)>(order.Select(d => (d, 0)));
        var deadLetters = new List<string>();
        var gate = new object();
        async Task Worker()
        {
            while (true)
            {
                (Delivery<TTarget> Delivery, int Attempts) next;
                lock (gate)
                {
                    if (!pending.TryDequeue(out next)) return;
                }
                if (await DeliverAsync(target, next.Delivery)) continue;
                lock (gate)
                {
                    // Redelivered after the others waiting (the sidecar's back-off), until it is dead-lettered.
                    if (next.Attempts + 1 < MaxAttempts) pending.Enqueue((next.Delivery, next.Attempts + 1));
                    else deadLetters.Add("dead-letter " + next.Delivery.What);
                }
            }
        }
        // A delivery that failed may succeed once a later one is applied, so workers run until the queue is empty.
        while (pending.Count > 0) await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Worker()));

        var state = (await target.StateAsync()).ToList();
        state.AddRange(deadLetters.Distinct());
        state.Sort(StringComparer.Ordinal);
        return state;
    }

    /// <summary>As MapIntegrationEvent: the inbox row and the handler's effect commit together, or neither does.</summary>
    private static async Task<bool> DeliverAsync<TTarget>(TTarget target, Delivery<TTarget> delivery) where TTarget : IReplayTarget
    {
        await using var conn = await target.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var inbox = new NpgsqlCommand(
            "INSERT INTO inbox (event_id, subscription, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", conn, tx)
            { Parameters = { new() { Value = delivery.EventId }, new() { Value = delivery.Topic }, new() { Value = delivery.What } } })
        {
            if (await inbox.ExecuteNonQueryAsync() == 0) return true;
        }
        try
        {
            await delivery.Handle(target, tx);
            await tx.CommitAsync();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await tx.RollbackAsync();
            return false;
        }
    }

    /// <summary>Every row of a query as one line "column=value|…"; pick the columns that do not depend on arrival time.</summary>
    public static async Task<IReadOnlyList<string>> RowsAsync(NpgsqlDataSource db, string label, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var line = new StringBuilder(label).Append(':');
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? "null" : reader.GetValue(i) switch
                {
                    DateTime t => t.ToUniversalTime().ToString("O"),
                    Array a => string.Join(",", a.Cast<object>()),
                    var v => v.ToString(),
                };
                line.Append(' ').Append(reader.GetName(i)).Append('=').Append(value);
            }
            rows.Add(line.ToString());
        }
        return rows;
    }
}
