using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>
/// The shipments the lost-in-transit watch waits on: watched ones (<see cref="TransitInvestigation.IsWatched"/>) with units
/// outstanding and no investigation yet, with their count. Written in the transaction that changes the count (the
/// shipment recorded, a receipt, a transfer's receipt step) or that opens the investigation (which takes over).
/// </summary>
public sealed class TransitWatchTable(NpgsqlDataSource dataSource)
{
    /// <summary>Watches <paramref name="shipment"/> for <paramref name="units"/> outstanding units; 0 stops watching it.</summary>
    public async Task SetAsync(NpgsqlTransaction tx, Shipment shipment, int units, CancellationToken ct)
    {
        if (units <= 0 || !TransitInvestigation.IsWatched(shipment))
        {
            await StopAsync(tx, shipment.Reference, ct);
            return;
        }
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO transit_watch (reference, deliver_by, units) VALUES ($1, $2, $3)
            ON CONFLICT (reference) DO UPDATE SET units = EXCLUDED.units
            """, tx.Connection, tx)
        {
            Parameters = { new() { Value = shipment.Reference }, new() { Value = shipment.DeliverBy!.Value }, new() { Value = units } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task StopAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM transit_watch WHERE reference = $1", tx.Connection, tx)
        {
            Parameters = { new() { Value = reference } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Watched shipments past <paramref name="deliverByBefore"/>, oldest deadline first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<string>> OverdueAsync(DateTimeOffset deliverByBefore, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT reference FROM transit_watch WHERE deliver_by < $1 ORDER BY deliver_by, reference LIMIT $2");
        cmd.Parameters.Add(new() { Value = deliverByBefore });
        cmd.Parameters.Add(new() { Value = limit });
        var references = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) references.Add(reader.GetString(0));
        return references;
    }
}
