using System.Diagnostics;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// The transactional outbox: an event is written in the same Postgres transaction as the state change
/// that caused it, so both commit or neither does. <see cref="OutboxRelay"/> publishes it afterwards.
/// </summary>
public static class Outbox
{
    public static async Task<Guid> EnqueueAsync(NpgsqlTransaction tx, string topic, IMessage message, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var cmd = new NpgsqlCommand(
            """
            WITH row AS (INSERT INTO outbox (id, topic, event_type, payload, traceparent) VALUES ($1, $2, $3, $4, $5) RETURNING 1)
            SELECT pg_notify('outbox_' || current_schema(), '') FROM row
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = id },
                new() { Value = topic },
                new() { Value = message.Descriptor.FullName },
                new() { Value = ProtoJson.Formatter.Format(message), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = (object?)Activity.Current?.Id ?? DBNull.Value },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct); // NOTIFY is delivered on commit, waking the relay at once
        return id;
    }
}
