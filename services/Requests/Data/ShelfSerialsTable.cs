using Logistics.Hosting.Data;
using Logistics.Requests.Domain;
using Npgsql;

namespace Logistics.Requests.Data;

/// <summary>
/// Table <c>shelf_serials</c>: the serials on the shelf of each centre as inventory's movements tell it, and the request
/// that picked each. The movement subscriber and a shipment both lock the serials they touch first
/// (<see cref="LockAsync"/>), so a movement and a pick of the same serial, or two picks, run one after the other, and
/// shipments of other serials of the same part do not wait for them (they did when the lock was the centre's part:
/// sixteen shipments of one part committed one after another).
/// </summary>
public sealed class ShelfSerialsTable
{
    public static Task LockAsync(NpgsqlTransaction tx, string centreId, string partNumber, IReadOnlyCollection<string> serials, CancellationToken ct) =>
        tx.LockMembersAsync($"shelf:{centreId}:{partNumber}", serials, ct);

    public async Task<IReadOnlyDictionary<string, ShelfSerial>> FindAsync(
        NpgsqlTransaction tx, string centreId, string partNumber, IReadOnlyCollection<string> serials, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT serial, on_hand, sequence, picked_by FROM shelf_serials WHERE centre_id = $1 AND part_number = $2 AND serial = ANY($3)",
            tx.Connection, tx)
        { Parameters = { new() { Value = centreId }, new() { Value = partNumber }, new() { Value = serials.ToArray() } } };
        var found = new Dictionary<string, ShelfSerial>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var serial = reader.GetString(0);
            found[serial] = new ShelfSerial(centreId, partNumber, serial, reader.GetBoolean(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        return found;
    }

    public async Task SaveAsync(NpgsqlTransaction tx, ShelfSerial shelf, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO shelf_serials (centre_id, part_number, serial, on_hand, sequence, picked_by) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (centre_id, part_number, serial) DO UPDATE SET on_hand = $4, sequence = $5, picked_by = $6
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = shelf.CentreId }, new() { Value = shelf.PartNumber }, new() { Value = shelf.Serial },
                new() { Value = shelf.OnHand }, new() { Value = shelf.Sequence }, new() { Value = (object?)shelf.PickedBy ?? DBNull.Value },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
