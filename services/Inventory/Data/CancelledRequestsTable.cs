using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Inventory.Data;

/// <summary>The part requests inventory has heard cancelled, each taken under the request's lock.</summary>
public static class CancelledRequestsTable
{
    /// <summary>Serialises an approval and a cancel of the same request until the transaction ends.</summary>
    public static Task LockAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct) =>
        tx.LockAsync("inventory-request:" + requestId, ct);

    public static async Task<bool> ContainsAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM cancelled_requests WHERE request_id = $1)", tx.Connection, tx)
        {
            Parameters = { new() { Value = requestId } },
        };
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task AddAsync(NpgsqlTransaction tx, string requestId, string centreId, DateTimeOffset cancelledAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO cancelled_requests (request_id, centre_id, cancelled_at) VALUES ($1, $2, $3) ON CONFLICT (request_id) DO NOTHING", tx.Connection, tx)
        {
            Parameters = { new() { Value = requestId }, new() { Value = centreId }, new() { Value = cancelledAt } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
