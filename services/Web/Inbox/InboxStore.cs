using Npgsql;

namespace Logistics.Web.Inbox;

/// <summary>
/// The console's own small store (its schema in the system's Postgres; never another service's tables): each user's
/// read / done marks.
/// </summary>
public sealed class InboxStore(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<IReadOnlyDictionary<string, InboxMark>> MarksAsync(string userId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT item_key, read_at IS NOT NULL, done_at IS NOT NULL FROM inbox_marks WHERE user_id = $1");
        cmd.Parameters.AddWithValue(userId);
        var marks = new Dictionary<string, InboxMark>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) marks[reader.GetString(0)] = new InboxMark(reader.GetBoolean(1), reader.GetBoolean(2));
        return marks;
    }

    /// <summary>Marks an item read (and, with <paramref name="done"/>, done: hidden from the inbox). Repeating it changes nothing.</summary>
    public async Task MarkAsync(string userId, string itemKey, bool done, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO inbox_marks (user_id, item_key, read_at, done_at) VALUES ($1, $2, $3, CASE WHEN $4 THEN $3 END)
            ON CONFLICT (user_id, item_key) DO UPDATE
              SET read_at = COALESCE(inbox_marks.read_at, EXCLUDED.read_at),
                  done_at = COALESCE(inbox_marks.done_at, EXCLUDED.done_at)
            """);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(itemKey);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(done);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Puts a hidden item back in the inbox (unread).</summary>
    public async Task ClearAsync(string userId, string itemKey, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM inbox_marks WHERE user_id = $1 AND item_key = $2");
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(itemKey);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
