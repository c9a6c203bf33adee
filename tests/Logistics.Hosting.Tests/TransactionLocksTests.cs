using Logistics.Hosting.Data;
using Logistics.Testing;
using Npgsql;

namespace Logistics.Hosting.Tests;

/// <summary>
/// Locks on the members of a group (the serials of a centre's part) in a real Postgres. "Waits" is read from
/// <c>lock_timeout</c>: a lock that would wait fails at once with 55P03 instead, so nothing here depends on timing.
/// </summary>
public sealed class TransactionLocksTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private const string Part = "shelf:C1:P1";

    private static async Task<(NpgsqlConnection, NpgsqlTransaction)> BeginAsync(NpgsqlDataSource db, bool failInsteadOfWaiting = false)
    {
        var conn = await db.OpenConnectionAsync();
        var tx = await conn.BeginTransactionAsync();
        if (failInsteadOfWaiting)
        {
            await using var cmd = new NpgsqlCommand("SET LOCAL lock_timeout = '100ms'", conn, tx);
            await cmd.ExecuteNonQueryAsync();
        }
        return (conn, tx);
    }

    private static async Task<bool> WouldWaitAsync(NpgsqlDataSource db, Func<NpgsqlTransaction, Task> take)
    {
        var (conn, tx) = await BeginAsync(db, failInsteadOfWaiting: true);
        await using (conn)
        {
            try { await take(tx); return false; }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable) { return true; }
            finally { await tx.RollbackAsync(); }
        }
    }

    [Fact]
    public async Task Different_serials_of_one_part_are_locked_side_by_side_and_the_same_serial_waits_for_the_commit()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var (conn, tx) = await BeginAsync(db);
        await using (conn)
        {
            await tx.LockMembersAsync(Part, ["SN-1", "SN-2"], CancellationToken.None);

            Assert.False(await WouldWaitAsync(db, t => t.LockMembersAsync(Part, ["SN-3"], CancellationToken.None)));
            Assert.False(await WouldWaitAsync(db, t => t.LockMembersAsync("shelf:C1:P2", ["SN-1"], CancellationToken.None)));
            Assert.True(await WouldWaitAsync(db, t => t.LockMembersAsync(Part, ["SN-3", "SN-2"], CancellationToken.None)));

            await tx.CommitAsync();
        }
        Assert.False(await WouldWaitAsync(db, t => t.LockMembersAsync(Part, ["SN-3", "SN-2"], CancellationToken.None)));
    }

    [Fact]
    public async Task More_members_than_the_limit_take_the_whole_group_which_waits_for_and_holds_off_every_member()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var many = Enumerable.Range(1, TransactionLocks.MaxMemberLocks + 1).Select(i => $"SN-{i}").ToArray();

        var (memberConn, memberTx) = await BeginAsync(db);
        await using (memberConn)
        {
            await memberTx.LockMembersAsync(Part, ["SN-900"], CancellationToken.None);
            Assert.True(await WouldWaitAsync(db, t => t.LockMembersAsync(Part, many, CancellationToken.None)));
            await memberTx.CommitAsync();
        }

        var (groupConn, groupTx) = await BeginAsync(db);
        await using (groupConn)
        {
            await groupTx.LockMembersAsync(Part, many, CancellationToken.None);
            Assert.True(await WouldWaitAsync(db, t => t.LockMembersAsync(Part, ["SN-900"], CancellationToken.None)));
            Assert.False(await WouldWaitAsync(db, t => t.LockMembersAsync("shelf:C2:P1", ["SN-900"], CancellationToken.None)));
            await groupTx.CommitAsync();
        }
    }

    [Fact]
    public async Task Commands_naming_the_same_serials_in_opposite_orders_never_deadlock()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        string[][] orders = [["SN-A", "SN-B", "SN-C"], ["SN-C", "SN-B", "SN-A"], ["SN-B", "SN-C", "SN-A"]];

        // Each command holds its locks for a moment, so that without a fixed order two of them would take their first
        // serials together and then wait for each other (Postgres would end one with 40P01).
        var runs = orders.Select(order => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var (conn, tx) = await BeginAsync(db);
                await using (conn)
                {
                    await tx.LockMembersAsync(Part, order, CancellationToken.None);
                    await using (var sleep = new NpgsqlCommand("SELECT pg_sleep(0.002)", conn, tx)) await sleep.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }
            }
        }));
        await Task.WhenAll(runs);
    }
}
