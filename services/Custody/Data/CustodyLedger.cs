using Logistics.Custody.Domain;
using Logistics.Hosting.Data;
using Npgsql;

namespace Logistics.Custody.Data;

/// <summary>A serial's row: its state after its events in business order, and the bookkeeping of its ledger.</summary>
public sealed record SerialRow(SerialState State, long NextSequence, DateTimeOffset LastEventAt, long Events);

/// <summary>A stored custody event with the event that declared it wrong, if any (computed on read: rows never change).</summary>
public sealed record StoredEvent(CustodyEvent Event, string CorrectedBy);

/// <summary>The current custody of a serial with its pairs (latest first) for the API.</summary>
public sealed record SerialView(SerialRow Row, string ReplacedBy, string Replaced);

/// <summary>The append-only custody_events ledger (a trigger refuses UPDATE, DELETE and TRUNCATE) and the serials table.</summary>
public sealed class CustodyLedger(NpgsqlDataSource dataSource)
{
    private const string EventColumns =
        "event_id, serial, part_number, occurred_at, business_step, from_party, from_location, to_party, to_location, disposition, packaging, reference, corrects, source_event_id, sequence";

    /// <summary>Holds the serial until the transaction ends (also before its first event) and reads its row.</summary>
    public static async Task<SerialRow?> LockSerialAsync(NpgsqlTransaction tx, string serial, CancellationToken ct)
    {
        await tx.LockAsync("custody-serial:" + serial, ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT serial, part_number, holder, location, disposition, packaging, consignor, next_sequence, last_event_at, events FROM serials WHERE serial = $1",
            tx.Connection, tx) { Parameters = { new() { Value = serial } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return ReadSerialRow(reader);
    }

    public static async Task SaveSerialAsync(NpgsqlTransaction tx, SerialRow row, CancellationToken ct)
    {
        var s = row.State;
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO serials (serial, part_number, holder, location, disposition, packaging, consignor, next_sequence, last_event_at, events)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (serial) DO UPDATE SET part_number = $2, holder = $3, location = $4, disposition = $5, packaging = $6,
                consignor = $7, next_sequence = $8, last_event_at = $9, events = $10
            """, tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = s.Serial }, new() { Value = s.PartNumber }, new() { Value = s.Holder }, new() { Value = s.Location },
                new() { Value = s.Disposition.WireName() }, new() { Value = s.Packaging }, new() { Value = s.Consignor },
                new() { Value = row.NextSequence }, new() { Value = row.LastEventAt }, new() { Value = row.Events },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> ExistsAsync(NpgsqlTransaction tx, string eventId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM custody_events WHERE event_id = $1", tx.Connection, tx) { Parameters = { new() { Value = eventId } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Whether a stored event already declares this one wrong (a correction that arrived before what it corrects).</summary>
    /// <remarks>"corrects &lt;&gt; ''" lets the planner use the partial index; without it this is a scan of the whole ledger.</remarks>
    public static async Task<bool> IsCorrectedAsync(NpgsqlTransaction tx, string eventId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM custody_events WHERE corrects = $1 AND corrects <> '' LIMIT 1", tx.Connection, tx) { Parameters = { new() { Value = eventId } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public static async Task AppendAsync(NpgsqlTransaction tx, CustodyEvent e, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO custody_events ({EventColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = e.EventId }, new() { Value = e.Serial }, new() { Value = e.PartNumber }, new() { Value = e.OccurredAt },
                new() { Value = e.Step.WireName() }, new() { Value = e.FromParty }, new() { Value = e.FromLocation }, new() { Value = e.ToParty },
                new() { Value = e.ToLocation }, new() { Value = e.Disposition.WireName() }, new() { Value = e.Packaging }, new() { Value = e.Reference },
                new() { Value = e.Corrects }, new() { Value = e.SourceEventId }, new() { Value = e.Sequence },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every event of a serial (for a replay of its chain).</summary>
    public static async Task<IReadOnlyList<CustodyEvent>> ReadAllAsync(NpgsqlTransaction tx, string serial, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {EventColumns} FROM custody_events WHERE serial = $1 ORDER BY occurred_at, sequence", tx.Connection, tx)
        { Parameters = { new() { Value = serial } } };
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>The serial's events of one step under one reference that are not themselves corrections (what a withdrawal voids).</summary>
    public static async Task<IReadOnlyList<CustodyEvent>> FindAsync(NpgsqlTransaction tx, string serial, string reference, BusinessStep step, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {EventColumns} FROM custody_events WHERE serial = $1 AND reference = $2 AND business_step = $3 AND corrects = '' ORDER BY occurred_at, sequence",
            tx.Connection, tx) { Parameters = { new() { Value = serial }, new() { Value = reference }, new() { Value = step.WireName() } } };
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>One page of a serial's history in business order, after the keyset position if given.</summary>
    /// <remarks>
    /// Two statements rather than "$2 IS NULL OR ...": so the keyset is always an index condition of
    /// custody_events_history, also in a generic plan, and a late page never reads the serial's earlier rows.
    /// </remarks>
    public async Task<IReadOnlyList<StoredEvent>> HistoryPageAsync(string serial, (DateTimeOffset OccurredAt, long Sequence)? after, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT {string.Join(", ", EventColumns.Split(", ").Select(c => "e." + c))},
                   coalesce((SELECT c.event_id FROM custody_events c WHERE c.corrects = e.event_id AND c.corrects <> '' ORDER BY c.sequence DESC LIMIT 1), '')
            FROM custody_events e
            WHERE e.serial = $1 {(after is null ? "" : "AND (e.occurred_at, e.sequence) > ($3, $4)")}
            ORDER BY e.occurred_at, e.sequence
            LIMIT $2
            """);
        cmd.Parameters.Add(new() { Value = serial });
        cmd.Parameters.Add(new() { Value = limit });
        if (after is { } a)
        {
            cmd.Parameters.Add(new() { Value = a.OccurredAt });
            cmd.Parameters.Add(new() { Value = a.Sequence });
        }
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var page = new List<StoredEvent>();
        while (await reader.ReadAsync(ct)) page.Add(new StoredEvent(ReadEvent(reader), reader.GetString(15)));
        return page;
    }

    public async Task<SerialView?> FindSerialAsync(string serial, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT serial, part_number, holder, location, disposition, packaging, consignor, next_sequence, last_event_at, events,
                   coalesce((SELECT good_serial FROM serial_pairs WHERE faulty_serial = s.serial ORDER BY paired_at DESC, good_serial LIMIT 1), ''),
                   coalesce((SELECT faulty_serial FROM serial_pairs WHERE good_serial = s.serial ORDER BY paired_at DESC, faulty_serial LIMIT 1), '')
            FROM serials s WHERE serial = $1
            """);
        cmd.Parameters.Add(new() { Value = serial });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new SerialView(ReadSerialRow(reader), reader.GetString(10), reader.GetString(11));
    }

    private static SerialRow ReadSerialRow(NpgsqlDataReader r) => new(
        new SerialState(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Dispositions.Parse(r.GetString(4)), r.GetString(5), r.GetString(6)),
        r.GetInt64(7), r.GetFieldValue<DateTimeOffset>(8), r.GetInt64(9));

    private static async Task<IReadOnlyList<CustodyEvent>> ReadEventsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var events = new List<CustodyEvent>();
        while (await reader.ReadAsync(ct)) events.Add(ReadEvent(reader));
        return events;
    }

    private static CustodyEvent ReadEvent(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), BusinessSteps.Parse(r.GetString(4)),
        r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), Dispositions.Parse(r.GetString(9)), r.GetString(10), r.GetString(11),
        r.GetString(12), r.GetString(13), r.GetInt64(14));
}
