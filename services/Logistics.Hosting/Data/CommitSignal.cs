using Npgsql;

namespace Logistics.Hosting.Data;

/// <summary>
/// A commit the rest of the process hears of: the outbox relay wakes when a transaction that may have written outbox
/// rows commits through <see cref="CommitAsync"/>, so its events leave at once instead of at the relay's next poll.
/// </summary>
public static class CommitSignal
{
    private static event Action? Committed;

    public static async Task CommitAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await tx.CommitAsync(ct);
        Committed?.Invoke();
    }

    public static void Subscribe(Action onCommitted) => Committed += onCommitted;

    public static void Unsubscribe(Action onCommitted) => Committed -= onCommitted;
}
