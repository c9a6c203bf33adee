using Npgsql;

namespace Logistics.Hosting.Messaging.DeadLetters;

/// <summary>The dead_letters table of the service's schema.</summary>
public sealed class DeadLetterStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, seq, event_id, topic, event_type, source, data_content_type, data, error, attempts, arrivals, received_at, " +
        "state, decided_by, decided_at, discard_reason, replay_outcome";

    /// <summary>
    /// Keeps an arrival. The same event on the same topic arriving again (the sidecar delivers at least once) is counted
    /// on the letter already kept, whatever was decided about it: it is the same event, not a new failure.
    /// </summary>
    public async Task<bool> KeepAsync(DeadLetterArrival arrival, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            INSERT INTO dead_letters (id, event_id, topic, event_type, source, data_content_type, data, error, attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (event_id, topic) DO UPDATE SET arrivals = dead_letters.arrivals + 1,
                error = CASE WHEN excluded.error <> '' THEN excluded.error ELSE dead_letters.error END,
                attempts = GREATEST(dead_letters.attempts, excluded.attempts)
            RETURNING (xmax = 0)
            """);
        var e = arrival.Event;
        foreach (var value in new object[] { Guid.CreateVersion7(), e.EventId, e.Topic, e.Type, e.Source, e.DataContentType, e.Data, arrival.Error, arrival.Attempts })
            cmd.Parameters.Add(new() { Value = value });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!; // true: a new letter
    }

    public async Task<DeadLetter?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM dead_letters WHERE id = $1");
        cmd.Parameters.Add(new() { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>The letter, locked until the transaction ends, so two admins cannot decide it at once.</summary>
    public static async Task<DeadLetter?> LockAsync(NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM dead_letters WHERE id = $1 FOR UPDATE", tx.Connection, tx);
        cmd.Parameters.Add(new() { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Writes a decision (the state and who, when, why); the letter's event is never changed.</summary>
    public static async Task SaveDecisionAsync(NpgsqlTransaction tx, DeadLetter letter, CancellationToken ct)
    {
        var d = letter.Decision ?? throw new InvalidOperationException("only a decided letter is saved");
        await using var cmd = new NpgsqlCommand(
            "UPDATE dead_letters SET state = $2, decided_by = $3, decided_at = $4, discard_reason = $5, replay_outcome = $6 WHERE id = $1 AND state = 'waiting'",
            tx.Connection, tx);
        cmd.Parameters.Add(new() { Value = letter.Id });
        cmd.Parameters.Add(new() { Value = DeadLetter.StateName(letter.State) });
        cmd.Parameters.Add(new() { Value = d.By });
        cmd.Parameters.Add(new() { Value = d.At });
        cmd.Parameters.Add(new() { Value = letter.State == DeadLetterState.Discarded ? d.DiscardReason : DBNull.Value });
        cmd.Parameters.Add(new() { Value = d.Replay is { } r ? DeadLetter.OutcomeName(r) : DBNull.Value });
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"dead letter {letter.Id} was not waiting when saved");
    }

    /// <summary>Newest first, after the <paramref name="beforeSeq"/> of the previous page.</summary>
    public async Task<IReadOnlyList<DeadLetter>> PageAsync(DeadLetterState? state, long? beforeSeq, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT {Columns} FROM dead_letters WHERE ($1::text IS NULL OR state = $1) AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3");
        cmd.Parameters.Add(new() { Value = state is { } s ? DeadLetter.StateName(s) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = beforeSeq is { } b ? b : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = limit });
        var page = new List<DeadLetter>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(Read(reader));
        return page;
    }

    public async Task<long> CountWaitingAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM dead_letters WHERE state = 'waiting'");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static DeadLetter Read(NpgsqlDataReader r)
    {
        var state = DeadLetter.ParseState(r.GetString(12));
        DeadLetterDecision? decision = r.IsDBNull(13) ? null : new DeadLetterDecision(
            r.GetString(13), r.GetFieldValue<DateTimeOffset>(14),
            r.IsDBNull(15) ? "" : r.GetString(15),
            r.IsDBNull(16) ? null : DeadLetter.ParseOutcome(r.GetString(16)));
        return new DeadLetter(
            r.GetGuid(0), r.GetInt64(1),
            new DeadEvent(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7)),
            r.GetString(8), r.GetInt32(9), r.GetInt32(10), r.GetFieldValue<DateTimeOffset>(11), state, decision);
    }
}
