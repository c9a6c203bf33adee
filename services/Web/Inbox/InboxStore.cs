using System.Text.Json;
using Npgsql;

namespace Logistics.Web.Inbox;

/// <summary>
/// The console's own small store (its schema in the system's Postgres; never another service's tables): each user's
/// read / done marks, and the stock counts the console has heard of through stock-count-changed.
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

    /// <summary>
    /// Keeps the latest state of a count from a stock-count-changed event (proto3 JSON). Older events (redelivered or
    /// out of order) do not overwrite a newer state.
    /// </summary>
    public async Task RecordCountAsync(string data, CancellationToken ct = default)
    {
        using var json = JsonDocument.Parse(data);
        var e = json.RootElement;
        if (e.ValueKind != JsonValueKind.Object) return;
        var id = Text(e, "countId");
        var centre = Text(e, "centreId");
        var state = Text(e, "state");
        if (id is null || centre is null || state is null) return;
        var at = Text(e, "occurredAt") is { } s && DateTimeOffset.TryParse(s, out var parsed) ? parsed : clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            INSERT INTO known_counts (count_id, centre_id, state, occurred_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (count_id) DO UPDATE SET state = EXCLUDED.state, occurred_at = EXCLUDED.occurred_at
              WHERE known_counts.occurred_at <= EXCLUDED.occurred_at
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(centre);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.AddWithValue(at.ToUniversalTime());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Counts of these centres last heard of in one of these states.</summary>
    public async Task<IReadOnlyList<string>> CountsAsync(IReadOnlyList<string> centres, IReadOnlyList<string> states, CancellationToken ct = default)
    {
        if (centres.Count == 0 || states.Count == 0) return [];
        await using var cmd = db.CreateCommand(
            "SELECT count_id FROM known_counts WHERE centre_id = ANY($1) AND state = ANY($2) ORDER BY occurred_at LIMIT 100");
        cmd.Parameters.AddWithValue(centres.ToArray());
        cmd.Parameters.AddWithValue(states.ToArray());
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
