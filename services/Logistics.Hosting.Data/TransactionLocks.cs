using Npgsql;

namespace Logistics.Hosting.Data;

public static class TransactionLocks
{
    /// <summary>
    /// Holds a lock on a business key until the transaction ends, also for a row that does not exist yet
    /// (which SELECT ... FOR UPDATE cannot lock): two commands on the same key run one after the other.
    /// </summary>
    public static async Task LockAsync(this NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", tx.Connection, tx) { Parameters = { new() { Value = key } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
