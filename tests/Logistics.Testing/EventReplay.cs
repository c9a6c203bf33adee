using System.Text;
using Logistics.SharedKernel;
using Npgsql;
using Xunit.Sdk;

namespace Logistics.Testing;

/// <summary>
/// One delivery of a recorded event to a subscriber: its CloudEvent id, topic, a label for failure reports, and the
/// handler. <paramref name="After"/> names the recorded events this one cannot precede because it is caused by what the
/// subscriber's own service did with them (a receipt of a return the service opened): no broker can reorder those.
/// </summary>
public sealed record Delivery<TTarget>(string EventId, string Topic, string What, Func<TTarget, NpgsqlTransaction, Task> Handle,
    IReadOnlyList<string>? After = null);

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

    /// <returns>The in-order final state, for the test to check it is the flow it means (no run can pass by failing alike).</returns>
    public static async Task<IReadOnlyList<string>> AssertOrderIndependentAsync<TTarget>(IReadOnlyList<Delivery<TTarget>> recorded, Func<Task<TTarget>> fresh,
        int runs = 20, int seed = 18)
        where TTarget : IReplayTarget
    {
        if (recorded.Select(d => d.EventId).Distinct().Count() != recorded.Count)
            throw new ArgumentException("each recorded event needs its own event id", nameof(recorded));

        var expected = await RunAsync(recorded, fresh, parallel: 1);
        if (expected.FirstOrDefault(l => l.StartsWith("dead-letter ", StringComparison.Ordinal) || l.StartsWith("never caused ", StringComparison.Ordinal)) is { } lost)
            throw new XunitException($"The recorded flow itself does not apply in order: {lost}");
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
        return expected;
    }

    /// <summary>The events shuffled, then about a third of them delivered once more at a random place (a redelivery).</summary>
    public static List<Delivery<TTarget>> Shuffled<TTarget>(IReadOnlyList<Delivery<TTarget>> recorded, Random random)
    {
        var shuffled = recorded.ToList();
        for (var i = shuffled.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        // Each next one is the first in shuffled order whose causes are already delivered.
        var order = new List<Delivery<TTarget>>();
        var delivered = new HashSet<string>();
        while (shuffled.Count > 0)
        {
            var next = shuffled.First(d => (d.After ?? []).All(delivered.Contains));
            shuffled.Remove(next);
            order.Add(next);
            delivered.Add(next.EventId);
        }
        var duplicates = random.Next(1, recorded.Count / 3 + 2);
        for (var i = 0; i < duplicates; i++) order.Insert(random.Next(order.Count + 1), recorded[random.Next(recorded.Count)]);
        return order;
    }

    private static async Task<IReadOnlyList<string>> RunAsync<TTarget>(IReadOnlyList<Delivery<TTarget>> order, Func<Task<TTarget>> fresh, int parallel)
        where TTarget : IReplayTarget
    {
        await using var target = await fresh();
        var pending = order.Select(d => (Delivery: d, Attempts: 0, NotBefore: 0L)).ToList();
        var applied = new HashSet<string>();
        var inFlight = 0;
        var deadLetters = new List<string>();
        var gate = new object();
        async Task Worker()
        {
            while (true)
            {
                (Delivery<TTarget> Delivery, int Attempts, long NotBefore)? taken = null;
                var waiting = false;
                lock (gate)
                {
                    // The next one whose causes are committed (at several at a time, a cause may still be in flight) and
                    // whose back-off has passed.
                    var now = Environment.TickCount64;
                    var index = pending.FindIndex(p => p.NotBefore <= now && (p.Delivery.After ?? []).All(applied.Contains));
                    waiting = index < 0 && pending.Exists(p => p.NotBefore > now);
                    if (index >= 0)
                    {
                        taken = pending[index];
                        pending.RemoveAt(index);
                        inFlight++;
                    }
                    else if (inFlight == 0 && !waiting)
                    {
                        // Nothing in flight and nothing deliverable: what is left waits for a cause that was dead-lettered.
                        deadLetters.AddRange(pending.Select(p => "never caused " + p.Delivery.What));
                        pending.Clear();
                        return;
                    }
                }
                if (taken is not { } next)
                {
                    await Task.Delay(2);
                    continue;
                }
                var outcome = await DeliverAsync(target, next.Delivery);
                lock (gate)
                {
                    inFlight--;
                    if (outcome == Outcome.Applied) applied.Add(next.Delivery.EventId);
                    else if (outcome == Outcome.Dropped) deadLetters.Add("dead-letter " + next.Delivery.What);
                    // Redelivered after the others waiting and a back-off growing to 100 ms (the sidecar's retries take
                    // time too: without it a retried event could use up its attempts while its cause is still in flight).
                    else if (next.Attempts + 1 < MaxAttempts)
                        pending.Add((next.Delivery, next.Attempts + 1, Environment.TickCount64 + Math.Min(100, 5 * (next.Attempts + 1))));
                    else deadLetters.Add("dead-letter " + next.Delivery.What);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Worker()));

        var state = (await target.StateAsync()).ToList();
        state.AddRange(deadLetters.Distinct());
        state.Sort(StringComparer.Ordinal);
        return state;
    }

    private enum Outcome { Applied, Failed, Dropped }

    /// <summary>
    /// As MapIntegrationEvent: the inbox row and the handler's effect commit together, or neither does; a malformed event
    /// (<see cref="InvalidFieldException"/>) is dropped to the dead-letter topic at once, any other failure is retried.
    /// </summary>
    private static async Task<Outcome> DeliverAsync<TTarget>(TTarget target, Delivery<TTarget> delivery) where TTarget : IReplayTarget
    {
        await using var conn = await target.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var inbox = new NpgsqlCommand(
            "INSERT INTO inbox (event_id, subscription, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", conn, tx)
            { Parameters = { new() { Value = delivery.EventId }, new() { Value = delivery.Topic }, new() { Value = delivery.What } } })
        {
            if (await inbox.ExecuteNonQueryAsync() == 0) return Outcome.Applied;
        }
        try
        {
            await delivery.Handle(target, tx);
            await tx.CommitAsync();
            return Outcome.Applied;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await tx.RollbackAsync();
            return e is InvalidFieldException ? Outcome.Dropped : Outcome.Failed;
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
