using Npgsql;

namespace Logistics.Doa.Data;

/// <summary>The ticket each shipped request serves (from part-request-shipped): receipts do not carry it, the approval names it.</summary>
public sealed class RequestTicketsTable
{
    public async Task SaveAsync(NpgsqlTransaction tx, string requestId, string ticketId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO request_tickets (request_id, ticket_id) VALUES ($1, $2) ON CONFLICT (request_id) DO UPDATE SET ticket_id = $2",
            tx.Connection, tx)
        { Parameters = { new() { Value = requestId }, new() { Value = ticketId } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The request's ticket, or "" when its shipment was not seen.</summary>
    public async Task<string> FindAsync(NpgsqlTransaction tx, string requestId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT ticket_id FROM request_tickets WHERE request_id = $1", tx.Connection, tx)
        { Parameters = { new() { Value = requestId } } };
        return await cmd.ExecuteScalarAsync(ct) as string ?? "";
    }
}
