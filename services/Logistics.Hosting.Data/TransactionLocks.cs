using Npgsql;

namespace Logistics.Hosting.Data;

public static class TransactionLocks
{
    /// <summary>
    /// A command on more members of a group than this locks the whole group: advisory locks share Postgres' lock table,
    /// which is sized for 64 locks per transaction on average.
    /// </summary>
    public const int MaxMemberLocks = 32;

    /// <summary>
    /// Holds a lock on a business key until the transaction ends, also for a row that does not exist yet
    /// (which SELECT ... FOR UPDATE cannot lock): two commands on the same key run one after the other.
    /// </summary>
    public static async Task LockAsync(this NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", tx.Connection, tx) { Parameters = { new() { Value = key } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Holds a lock on each of <paramref name="members"/> of <paramref name="group"/> (the serials of a centre's part)
    /// until the transaction ends, the group itself held shared: commands on different members run side by side, two on
    /// one member one after the other, and a command on more than <see cref="MaxMemberLocks"/> members takes the group
    /// alone (<see cref="LockAsync"/>), waiting for every member's holder. Members are locked in the order of their lock
    /// keys (a sorted subquery is not flattened, so the locks are taken row by row in that order), so two commands never
    /// wait for each other in a circle.
    /// </summary>
    public static async Task LockMembersAsync(this NpgsqlTransaction tx, string group, IReadOnlyCollection<string> members, CancellationToken ct)
    {
        if (members.Count > MaxMemberLocks)
        {
            await tx.LockAsync(group, ct);
            return;
        }
        await using var batch = new NpgsqlBatch(tx.Connection, tx)
        {
            BatchCommands =
            {
                new("SELECT pg_advisory_xact_lock_shared(hashtext($1))") { Parameters = { new() { Value = group } } },
                new("""
                    SELECT pg_advisory_xact_lock(hashtext($1), key)
                    FROM (SELECT DISTINCT hashtext(member) AS key FROM unnest($2::text[]) AS member ORDER BY key) AS keys
                    """) { Parameters = { new() { Value = group }, new() { Value = members.ToArray() } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }
}
