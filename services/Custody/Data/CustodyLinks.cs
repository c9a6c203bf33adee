using Logistics.Custody.Domain;
using Npgsql;

namespace Logistics.Custody.Data;

/// <summary>
/// What links serials and documents beyond single events: the good/bad pairs, a DOA claim's two units (whichever
/// event comes first), and swaps waiting for their return to be opened. Every write is an idempotent upsert.
/// </summary>
public static class CustodyLinks
{
    public static async Task AddPairAsync(NpgsqlTransaction tx, SerialPair pair, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO serial_pairs (faulty_serial, good_serial, reference, paired_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            tx.Connection, tx)
        { Parameters = { new() { Value = pair.FaultySerial }, new() { Value = pair.GoodSerial }, new() { Value = pair.Reference }, new() { Value = pair.PairedAt } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records one side of a DOA claim; once both are known, the dead unit is paired with its replacement.</summary>
    public static async Task AddDoaUnitAsync(NpgsqlTransaction tx, DoaUnit unit, bool dead, CancellationToken ct)
    {
        // A concurrent upsert of the other side waits on the row, so one of the two always sees both serials.
        await using var cmd = new NpgsqlCommand(dead
            ? """
              INSERT INTO doa_pairs (claim_id, dead_serial, dead_at) VALUES ($1, $2, $3)
              ON CONFLICT (claim_id) DO UPDATE SET dead_serial = $2, dead_at = $3
              RETURNING dead_serial, replacement_serial, replaced_at
              """
            : """
              INSERT INTO doa_pairs (claim_id, replacement_serial, replaced_at) VALUES ($1, $2, $3)
              ON CONFLICT (claim_id) DO UPDATE SET replacement_serial = $2, replaced_at = $3
              RETURNING dead_serial, replacement_serial, replaced_at
              """, tx.Connection, tx)
        { Parameters = { new() { Value = unit.ClaimId }, new() { Value = unit.Serial }, new() { Value = unit.At } } };
        string deadSerial, replacement;
        DateTimeOffset? replacedAt;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (deadSerial, replacement, replacedAt) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }
        if (deadSerial != "" && replacement != "" && deadSerial != replacement)
            await AddPairAsync(tx, new SerialPair(deadSerial, replacement, References.Doa(unit.ClaimId), replacedAt ?? unit.At), ct);
    }

    public static async Task AddSwapAwaitingReturnAsync(NpgsqlTransaction tx, SwapAwaitingReturn swap, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO swap_returns (serial, request_id, installed_at) VALUES ($1, $2, $3)
            ON CONFLICT (serial, request_id) DO UPDATE SET installed_at = $3
            """, tx.Connection, tx)
        { Parameters = { new() { Value = swap.Serial }, new() { Value = swap.RequestId }, new() { Value = swap.InstalledAt } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task AddReturnOpenedAsync(NpgsqlTransaction tx, ReturnOpened opened, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO swap_returns (serial, request_id, return_opened_at) VALUES ($1, $2, $3)
            ON CONFLICT (serial, request_id) DO UPDATE SET return_opened_at = $3
            """, tx.Connection, tx)
        { Parameters = { new() { Value = opened.Serial }, new() { Value = opened.RequestId }, new() { Value = opened.OpenedAt } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Swaps installed before <paramref name="installedBefore"/> whose return is not opened and that are not flagged yet; locked for this transaction.</summary>
    public static async Task<IReadOnlyList<SwapAwaitingReturn>> TakeWaitingAsync(NpgsqlTransaction tx, DateTimeOffset installedBefore, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT serial, request_id, installed_at FROM swap_returns
            WHERE return_opened_at IS NULL AND flagged_at IS NULL AND installed_at <= $1
            ORDER BY installed_at LIMIT $2
            FOR UPDATE SKIP LOCKED
            """, tx.Connection, tx) { Parameters = { new() { Value = installedBefore }, new() { Value = limit } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var waiting = new List<SwapAwaitingReturn>();
        while (await reader.ReadAsync(ct)) waiting.Add(new SwapAwaitingReturn(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return waiting;
    }

    public static async Task MarkFlaggedAsync(NpgsqlTransaction tx, SwapAwaitingReturn swap, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE swap_returns SET flagged_at = $3 WHERE serial = $1 AND request_id = $2", tx.Connection, tx)
        { Parameters = { new() { Value = swap.Serial }, new() { Value = swap.RequestId }, new() { Value = at } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
