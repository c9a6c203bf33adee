using Npgsql;

namespace Logistics.Requests.Data;

/// <summary>
/// Table <c>faulty_part_returns</c>: which of an engineer's faulty-part returns are unreturned (past the deadline) and
/// not yet settled (received or inspected). Each step only sets its own mark, so steps arriving out of order give the
/// same answer.
/// </summary>
public sealed class FaultyPartReturnsTable
{
    public Task MarkUnreturnedAsync(NpgsqlTransaction tx, string returnId, string engineerId, CancellationToken ct) =>
        ExecuteAsync(tx, """
            INSERT INTO faulty_part_returns (return_id, engineer_id, unreturned) VALUES ($1, $2, true)
            ON CONFLICT (return_id) DO UPDATE SET unreturned = true
            """, returnId, engineerId, ct);

    public Task MarkSettledAsync(NpgsqlTransaction tx, string returnId, string engineerId, CancellationToken ct) =>
        ExecuteAsync(tx, """
            INSERT INTO faulty_part_returns (return_id, engineer_id, settled) VALUES ($1, $2, true)
            ON CONFLICT (return_id) DO UPDATE SET settled = true
            """, returnId, engineerId, ct);

    /// <summary>The engineer holds a faulty part marked unreturned that has not come back yet.</summary>
    public async Task<bool> HoldsUnreturnedAsync(NpgsqlTransaction tx, string engineerId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT 1 FROM faulty_part_returns WHERE engineer_id = $1 AND unreturned AND NOT settled LIMIT 1", tx.Connection, tx)
        { Parameters = { new() { Value = engineerId } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task ExecuteAsync(NpgsqlTransaction tx, string sql, string returnId, string engineerId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx) { Parameters = { new() { Value = returnId }, new() { Value = engineerId } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
