using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.Hosting.Data;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Inventory.Data;

/// <summary>The Postgres movement ledger and the cursor of how far each centre's stream was drained into it.</summary>
public sealed class MovementLedger(NpgsqlDataSource dataSource)
{
    /// <summary>Serialises draining per centre across replicas, and returns where the last drain stopped.</summary>
    public static async Task<string> LockCursorAsync(NpgsqlTransaction tx, string centreId, CancellationToken ct)
    {
        await tx.LockAsync("ledger:" + centreId, ct);
        await using var cmd = new NpgsqlCommand("SELECT last_stream_id FROM ledger_cursors WHERE centre_id = $1", tx.Connection, tx) { Parameters = { new() { Value = centreId } } };
        return await cmd.ExecuteScalarAsync(ct) as string ?? "0-0";
    }

    /// <summary>Every centre's drain cursor (the last stream id in the ledger), for the relay's sweep.</summary>
    public static async Task<Dictionary<string, string>> CursorsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT centre_id, last_stream_id FROM ledger_cursors");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var cursors = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) cursors[reader.GetString(0)] = reader.GetString(1);
        return cursors;
    }

    public static async Task SaveCursorAsync(NpgsqlTransaction tx, string centreId, string lastStreamId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO ledger_cursors (centre_id, last_stream_id) VALUES ($1, $2) ON CONFLICT (centre_id) DO UPDATE SET last_stream_id = $2",
            tx.Connection, tx) { Parameters = { new() { Value = centreId }, new() { Value = lastStreamId } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Appends a batch of movements in one round trip; returns each one's ledger sequence, or null for one the ledger has
    /// already (drained before).
    /// </summary>
    public static async Task<IReadOnlyList<long?>> AppendAllAsync(
        NpgsqlTransaction tx, IReadOnlyList<(Movement Movement, string Document, string StreamId)> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return [];
        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var (m, document, streamId) in entries)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                INSERT INTO movements (movement_id, centre_id, part_number, kind, bin, serials, quantity,
                    d_on_hand, d_reserved, d_in_transit, d_faulty, d_quarantined, reference, reservation_id, reason_code, occurred_at, document, stream_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                ON CONFLICT (movement_id) DO NOTHING
                RETURNING sequence
                """)
            {
                Parameters =
                {
                    new() { Value = m.MovementId }, new() { Value = m.CentreId }, new() { Value = m.PartNumber }, new() { Value = m.Kind.WireName() },
                    new() { Value = m.Bin }, new() { Value = m.Serials.ToArray() }, new() { Value = m.Quantity },
                    new() { Value = (int)m.Deltas.OnHand }, new() { Value = (int)m.Deltas.Reserved }, new() { Value = (int)m.Deltas.InTransit },
                    new() { Value = (int)m.Deltas.Faulty }, new() { Value = (int)m.Deltas.Quarantined }, new() { Value = m.Reference },
                    new() { Value = m.ReservationId }, new() { Value = m.ReasonCode }, new() { Value = m.OccurredAt },
                    new() { Value = document, NpgsqlDbType = NpgsqlDbType.Jsonb }, new() { Value = streamId },
                },
            });
        }
        var sequences = new List<long?>(entries.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do sequences.Add(await reader.ReadAsync(ct) ? reader.GetInt64(0) : null);
        while (await reader.NextResultAsync(ct));
        if (sequences.Count != entries.Count)
            throw new InvalidOperationException($"the ledger answered {sequences.Count} results for {entries.Count} movements");
        return sequences;
    }

    /// <summary>
    /// Keeps <c>serial_holders</c> in step with the movements' serial moves, in their order and in one round trip: a
    /// serial the centre now holds is held there (a goods-in's claim becomes its place); one received at its destination
    /// is in the field, shipped by this centre; one sent to repair is at the repairer for its centre; one that otherwise
    /// leaves the books (scrapped, returned to the supplier, written off, counted missing) has no holder.
    /// </summary>
    public static async Task ApplySerialMovesAsync(NpgsqlTransaction tx, IEnumerable<Movement> movements, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var m in movements)
            foreach (var move in m.SerialMoves)
            {
                // A unit sent to repair stays claimed by its centre (it comes back there); one returned to the supplier or
                // written off has left the business, as a scrapped one.
                var place = move.To != SerialPlace.None ? StockJson.PlaceName(move.To) : m.Kind == MovementKind.SentToRepair ? "at-repairer" : "";
                var cmd = place != ""
                    ? new NpgsqlBatchCommand(
                        """
                        INSERT INTO serial_holders (part_number, serial, centre_id, reference, place) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (part_number, serial) DO UPDATE SET centre_id = $3, reference = $4, place = $5, claimed_at = NULL
                        """)
                    : m.Kind == MovementKind.Received
                        ? new NpgsqlBatchCommand(
                            """
                            INSERT INTO serial_holders (part_number, serial, centre_id, reference, place) VALUES ($1, $2, $3, $4, 'field')
                            ON CONFLICT (part_number, serial) DO UPDATE SET place = 'field', reference = $4, claimed_at = NULL
                            WHERE serial_holders.centre_id = $3 AND serial_holders.place = 'in-transit'
                            """)
                        : new NpgsqlBatchCommand("DELETE FROM serial_holders WHERE part_number = $1 AND serial = $2 AND centre_id = $3 AND place <> 'claimed'");
                cmd.Parameters.Add(new() { Value = m.PartNumber });
                cmd.Parameters.Add(new() { Value = move.Serial });
                cmd.Parameters.Add(new() { Value = m.CentreId });
                if (place != "" || m.Kind == MovementKind.Received) cmd.Parameters.Add(new() { Value = m.Reference });
                if (place != "") cmd.Parameters.Add(new() { Value = place });
                batch.BatchCommands.Add(cmd);
            }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every movement of a centre in ledger order, for replay.</summary>
    public async IAsyncEnumerable<Movement> ReadAllAsync(string centreId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document::text FROM movements WHERE centre_id = $1 ORDER BY sequence");
        cmd.Parameters.Add(new() { Value = centreId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return StockJson.ParseMovement(reader.GetString(0));
    }

    /// <summary>
    /// A page of a centre's ledger, of one part and one kind when given ("" for any). Oldest first after
    /// <paramref name="from"/>; newest first before it (0: from the newest).
    /// </summary>
    public async Task<IReadOnlyList<(long Sequence, Movement Movement)>> PageAsync(string centreId, string? partNumber, string? kind, bool newestFirst, long from, int pageSize, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT sequence, document::text FROM movements WHERE centre_id = $1 AND ($2 = '' OR part_number = $2) AND ($5 = '' OR kind = $5) AND " +
            (newestFirst ? "($3 = 0 OR sequence < $3) ORDER BY sequence DESC" : "sequence > $3 ORDER BY sequence") + " LIMIT $4");
        cmd.Parameters.Add(new() { Value = centreId });
        cmd.Parameters.Add(new() { Value = partNumber ?? "" });
        cmd.Parameters.Add(new() { Value = from });
        cmd.Parameters.Add(new() { Value = pageSize });
        cmd.Parameters.Add(new() { Value = kind ?? "" });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var page = new List<(long, Movement)>();
        while (await reader.ReadAsync(ct)) page.Add((reader.GetInt64(0), StockJson.ParseMovement(reader.GetString(1))));
        return page;
    }
}
