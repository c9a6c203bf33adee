using System.Security.Cryptography;
using System.Text;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Inventory.Data;

/// <summary>
/// One holder per serial across centres (README "Serial uniqueness"). A centre's Lua script sees its own hash slot
/// only, so the cross-centre claim lives in Postgres: the primary key of <c>serial_holders</c> admits one row per
/// serial. A goods-in takes a per-serial lock, commits a <c>claimed</c> row for its centre, runs the centre's
/// script, and removes the claim again only when the script refused. The movement relay later turns the claim into
/// the place the ledger shows.
/// </summary>
public sealed class SerialClaims(NpgsqlDataSource dataSource, StockStore stock, TimeProvider clock)
{
    /// <summary>
    /// How long a claim counts as a goods-in still running. An older claim whose centre does not hold the serial in
    /// Redis was left by a goods-in that died between its claim and its script: another centre may take it over.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private sealed record Holder(string CentreId, string Place, string Reference, DateTimeOffset? ClaimedAt);

    /// <summary>
    /// Runs <paramref name="goodsIn"/> holding a claim of every serial for <paramref name="centreId"/>; refuses
    /// (<see cref="AlreadyExistsException"/> naming the holder) a serial held, claimed or out in the field elsewhere.
    /// </summary>
    public async Task<T> ClaimWhileAsync<T>(StockCommand command, string partNumber, IReadOnlyList<string> serials, string reference,
        Func<Task<T>> goodsIn, CancellationToken ct)
    {
        // A retried goods-in gets its first result even after the serial moved on; it claims nothing.
        if (serials.Count == 0 || await stock.IsRetryAsync(command)) return await goodsIn();
        var centreId = command.CentreId;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // Session locks, taken in one order: every goods-in of a serial runs claim, script and release alone.
            foreach (var id in serials.Select(s => LockId(partNumber, s)).Distinct().Order())
                await ExecuteAsync(conn, "SELECT pg_advisory_lock($1)", ct, id);

            var holders = await ReadAsync(conn, partNumber, serials, ct);
            var claimed = new List<(string Serial, Holder? Before)>();
            foreach (var serial in serials)
            {
                holders.TryGetValue(serial, out var holder);
                if (await MayClaimAsync(centreId, partNumber, serial, holder) is false) continue; // this centre's script decides
                claimed.Add((serial, holder));
            }
            foreach (var (serial, _) in claimed)
            {
                await ExecuteAsync(conn,
                    """
                    INSERT INTO serial_holders (part_number, serial, centre_id, place, reference, claimed_at) VALUES ($1, $2, $3, 'claimed', $4, $5)
                    ON CONFLICT (part_number, serial) DO UPDATE SET centre_id = $3, place = 'claimed', reference = $4, claimed_at = $5
                    """, ct, partNumber, serial, centreId, reference, clock.GetUtcNow());
            }

            try
            {
                return await goodsIn();
            }
            catch (DomainException) when (claimed.Count > 0)
            {
                // Refused: nothing changed in Redis. A timeout or lost connection keeps the claim (the script may have run).
                await ReleaseAsync(conn, centreId, partNumber, claimed, ct);
                throw;
            }
        }
        finally
        {
            // A broken connection released its locks already (and is not pooled again).
            if (conn.State == System.Data.ConnectionState.Open)
                await ExecuteAsync(conn, "SELECT pg_advisory_unlock_all()", CancellationToken.None);
        }
    }

    /// <summary>An unused part handed back at a centre: that centre (only) may take it in again.</summary>
    public async Task MarkReturnedAsync(string centreId, string partNumber, IReadOnlyList<string> serials, string reference, CancellationToken ct)
    {
        if (serials.Count == 0) return;
        await using var cmd = dataSource.CreateCommand(
            "UPDATE serial_holders SET centre_id = $1, place = 'returned', reference = $4, claimed_at = NULL WHERE part_number = $2 AND serial = ANY($3) AND place IN ('field', 'in-transit')");
        cmd.Parameters.Add(new() { Value = centreId });
        cmd.Parameters.Add(new() { Value = partNumber });
        cmd.Parameters.Add(new() { Value = serials.ToArray() });
        cmd.Parameters.Add(new() { Value = reference });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// After a rebuild of a centre from the ledger: its claims older than the lease that the ledger does not hold
    /// were left by a goods-in that died before its script; they go.
    /// </summary>
    public async Task<int> ClearDanglingAsync(string centreId, ISet<(string Part, string Serial)> heldInLedger, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var stale = new List<(string, string)>();
        await using (var cmd = new NpgsqlCommand("SELECT part_number, serial FROM serial_holders WHERE centre_id = $1 AND place = 'claimed' AND claimed_at < $2", conn))
        {
            cmd.Parameters.Add(new() { Value = centreId });
            cmd.Parameters.Add(new() { Value = clock.GetUtcNow() - Lease });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stale.Add((reader.GetString(0), reader.GetString(1)));
        }
        var cleared = 0;
        foreach (var (part, serial) in stale.Where(s => !heldInLedger.Contains(s)))
            cleared += await ExecuteAsync(conn, "DELETE FROM serial_holders WHERE part_number = $1 AND serial = $2 AND centre_id = $3 AND place = 'claimed'", ct, part, serial, centreId);
        return cleared;
    }

    /// <summary>True: claim it for the centre. False: the centre holds or claims it already (its script decides). Otherwise refused.</summary>
    private async Task<bool> MayClaimAsync(string centreId, string part, string serial, Holder? holder)
    {
        if (holder is null) return true;
        if (holder.CentreId == centreId && holder.Place is "on-hand" or "in-transit" or "faulty" or "quarantined" or "claimed") return false;
        if (holder.CentreId == centreId && holder.Place == "returned") return true;
        if (holder.Place == "claimed")
        {
            if (holder.ClaimedAt is { } at && clock.GetUtcNow() - at < Lease)
                throw new AlreadyExistsException($"serial {serial} of part {part} is being taken in at centre {holder.CentreId}");
            // A dangling claim: the centre's books decide whether its goods-in ran.
            var held = (await stock.ListSerialsAsync(holder.CentreId, part)).FirstOrDefault(s => s.Serial == serial);
            if (held is null) return true;
            throw new AlreadyExistsException(HeldMessage(serial, part, holder with { Place = StockJson.PlaceName(held.Place) }));
        }
        throw new AlreadyExistsException(HeldMessage(serial, part, holder));
    }

    private static string HeldMessage(string serial, string part, Holder h) => h.Place switch
    {
        "on-hand" => $"serial {serial} of part {part} is on hand at centre {h.CentreId}",
        "in-transit" => $"serial {serial} of part {part} is in transit from centre {h.CentreId}",
        "faulty" or "quarantined" => $"serial {serial} of part {part} is {h.Place} at centre {h.CentreId}",
        "field" => $"serial {serial} of part {part} is in the field: delivered from centre {h.CentreId} on {h.Reference}",
        "at-repairer" => $"serial {serial} of part {part} is at a repairer, sent by centre {h.CentreId} on disposition {h.Reference}; it comes back through that disposition",
        "returned" => $"serial {serial} of part {part} was handed back unused at centre {h.CentreId} ({h.Reference}); only centre {h.CentreId} can take it in",
        _ => $"serial {serial} of part {part} is held at centre {h.CentreId} ({h.Place})",
    };

    private async Task ReleaseAsync(NpgsqlConnection conn, string centreId, string part, List<(string Serial, Holder? Before)> claimed, CancellationToken ct)
    {
        // Under the lock no other goods-in of these serials runs; a serial the centre holds now stays claimed.
        var held = (await stock.ListSerialsAsync(centreId, part)).Select(s => s.Serial).ToHashSet(StringComparer.Ordinal);
        foreach (var (serial, before) in claimed.Where(c => !held.Contains(c.Serial)))
        {
            if (before is { Place: "returned" })
                await ExecuteAsync(conn,
                    "UPDATE serial_holders SET centre_id = $3, place = 'returned', reference = $4, claimed_at = NULL WHERE part_number = $1 AND serial = $2 AND place = 'claimed'",
                    CancellationToken.None, part, serial, before.CentreId, before.Reference);
            else
                await ExecuteAsync(conn, "DELETE FROM serial_holders WHERE part_number = $1 AND serial = $2 AND centre_id = $3 AND place = 'claimed'",
                    CancellationToken.None, part, serial, centreId);
        }
    }

    private static async Task<Dictionary<string, Holder>> ReadAsync(NpgsqlConnection conn, string part, IReadOnlyList<string> serials, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT serial, centre_id, place, reference, claimed_at FROM serial_holders WHERE part_number = $1 AND serial = ANY($2)", conn);
        cmd.Parameters.Add(new() { Value = part });
        cmd.Parameters.Add(new() { Value = serials.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var found = new Dictionary<string, Holder>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            found[reader.GetString(0)] = new Holder(reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
        return found;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A 64-bit advisory lock id per serial (a collision only makes two serials wait for each other).</summary>
    private static long LockId(string part, string serial) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("serial-claim\n" + part + "\n" + serial)), 0);
}
