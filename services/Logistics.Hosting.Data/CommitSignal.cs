using System.Runtime.CompilerServices;
using Npgsql;

namespace Logistics.Hosting.Data;

/// <summary>
/// A commit the rest of the process hears of: a transaction that wrote outbox rows says so (<see cref="Expect"/>), and
/// when it commits through <see cref="CommitAsync"/> the outbox relay wakes, so its events leave at once instead of at
/// the relay's next poll. A commit that wrote none wakes nobody.
/// </summary>
public static class CommitSignal
{
    private static readonly ConditionalWeakTable<NpgsqlTransaction, object> Expected = [];
    private static event Action? Committed;

    /// <summary>Someone waits for this transaction's commit (it wrote outbox rows).</summary>
    public static void Expect(NpgsqlTransaction tx) => Expected.TryAdd(tx, Expected);

    public static async Task CommitAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await tx.CommitAsync(ct);
        if (Expected.Remove(tx)) Committed?.Invoke();
    }

    public static void Subscribe(Action onCommitted) => Committed += onCommitted;

    public static void Unsubscribe(Action onCommitted) => Committed -= onCommitted;
}
