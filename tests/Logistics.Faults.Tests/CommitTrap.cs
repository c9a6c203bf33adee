using Logistics.Testing;
using Npgsql;

namespace Logistics.Faults.Tests;

/// <summary>
/// Holds one row's update in Postgres until released, so a test can kill -9 a service at an exact moment: after a step
/// has run its stock script in Redis and before its transaction commits. A trigger on the table takes an advisory lock
/// the test holds; the service's UPDATE of that row waits on it inside the open transaction. Killed there, the service
/// never commits: the script's change is in Redis, the step's state and event are not in Postgres.
/// </summary>
public sealed class CommitTrap : IAsyncDisposable
{
    private const long LockKey = 4_242_001;
    private const string Trigger = "fault_commit_trap";

    private readonly TestStack _stack;
    private readonly string _table;
    private readonly NpgsqlConnection _holder;
    private bool _released;

    private CommitTrap(TestStack stack, string table, NpgsqlConnection holder)
    {
        _stack = stack;
        _table = table;
        _holder = holder;
    }

    /// <summary>Arms the trap: the next UPDATE of the row of <paramref name="table"/> whose <paramref name="column"/> is <paramref name="id"/> waits.</summary>
    public static async Task<CommitTrap> ArmAsync(TestStack stack, string table, string column, string id)
    {
        if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) throw new ArgumentException($"not a plain id: {id}", nameof(id));
        var holder = new NpgsqlConnection(stack.Stack.PostgresConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", holder)) await hold.ExecuteNonQueryAsync();
        await using var arm = stack.Database.CreateCommand(
            $"""
            CREATE OR REPLACE FUNCTION public.{Trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_advisory_xact_lock({LockKey}); RETURN NEW; END $$;
            DROP TRIGGER IF EXISTS {Trigger} ON {table};
            CREATE TRIGGER {Trigger} BEFORE UPDATE ON {table} FOR EACH ROW WHEN (NEW.{column} = '{id}') EXECUTE FUNCTION public.{Trigger}();
            """);
        await arm.ExecuteNonQueryAsync();
        return new CommitTrap(stack, table, holder);
    }

    /// <summary>Waits until a transaction is held by the trap (the step's script has run, its commit has not).</summary>
    public Task CaughtAsync(TimeSpan patience, string what) =>
        Eventually.Until(async () => await _stack.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {LockKey} AND NOT granted") > 0,
            patience, $"{what} held before its commit");

    /// <summary>
    /// Lets the held transaction go on (its client is dead by then: it ends rolled back) and removes the trigger, which
    /// waits until that transaction is over.
    /// </summary>
    public async Task ReleaseAsync()
    {
        if (_released) return;
        _released = true;
        await using (var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", _holder)) await unlock.ExecuteNonQueryAsync();
        await using var drop = _stack.Database.CreateCommand($"DROP TRIGGER IF EXISTS {Trigger} ON {_table}");
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _holder.DisposeAsync();
    }
}
