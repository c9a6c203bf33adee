using System.Collections.Concurrent;
using System.Text.Json;
using Logistics.Hosting.Data;
using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using Npgsql;
using NpgsqlTypes;

namespace Logistics.Inventory.Data;

/// <summary>A step a count took that the service publishes (stock-count-changed): its name, who, how many lines, the state after it.</summary>
public sealed record CountStep(string Step, string? By, int Lines, DateTimeOffset At, CountState State);

/// <summary>
/// Keeps each stock count as the log of the commands it accepted and rebuilds it by replaying them through the
/// domain model. A count in use is kept in memory with the log position it reflects, so a batch of lines costs
/// one batch, not a replay of 100,000 lines; any other writer (another replica, the movement relay marking lines
/// stale) moves the position and the next use replays. Work on one count is serialised by a transaction lock.
/// The steps a session took (<see cref="Session.Steps"/>) are published by the caller in the session's transaction.
/// </summary>
public sealed class CountStore(NpgsqlDataSource dataSource)
{
    public static readonly CountPolicy Policy = CountPolicy.Default;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, (StockCount Count, int Seq)> _cache = new();

    // The commands of the log.
    private sealed record Opened(string CountId, string CentreId, List<string> Bins, List<string> PartNumbers, bool? Blind, string By, DateTimeOffset At);
    private sealed record Started(List<ExpectedLine> Lines, DateTimeOffset At);
    private sealed record Submitted(List<LineCount> Lines, string By, DateTimeOffset At);
    private sealed record MarkedStale(string Bin, string PartNumber);
    private sealed record Resnapshotted(ExpectedLine Line);
    private sealed record Closed(DateTimeOffset At);
    private sealed record Approved(string By, Dictionary<string, string> Reasons, DateTimeOffset At);
    private sealed record Cancelled(string By, DateTimeOffset At);

    /// <summary>A unit of work on one count: load it, apply commands (each recorded), commit.</summary>
    public sealed class Session(CountStore store, NpgsqlTransaction tx, StockCount count, int seq) : IAsyncDisposable
    {
        public StockCount Count { get; } = count;
        public NpgsqlTransaction Transaction { get; } = tx;
        private int _seq = seq;
        private readonly List<CountStep> _steps = [];

        /// <summary>The steps taken in this session, for the caller to publish before it commits.</summary>
        public IReadOnlyList<CountStep> Steps => _steps;

        public Task SubmitAsync(IReadOnlyList<LineCount> lines, string by, DateTimeOffset at, CancellationToken ct)
        {
            Count.SubmitLines(lines, by, at);
            return AppendAsync(new Submitted([.. lines], by, at), ct, Step("lines-submitted", by, lines.Count, at));
        }

        public Task ResnapshotAsync(ExpectedLine line, CancellationToken ct)
        {
            Count.Resnapshot(line);
            return AppendAsync(new Resnapshotted(line), ct);
        }

        public async Task<CloseResult> CloseAsync(DateTimeOffset at, CancellationToken ct)
        {
            var result = Count.Close(at);
            await AppendAsync(new Closed(at), ct, Step("closed", null, result.LinesToRecount.Count, at));
            return result;
        }

        public async Task<IReadOnlyList<CountAdjustment>> ApproveAsync(string by, IReadOnlyDictionary<CountLineKey, string> reasons, DateTimeOffset at, CancellationToken ct)
        {
            var wasCompleted = Count.State == CountState.Completed;
            var adjustments = Count.Approve(by, reasons, at);
            if (!wasCompleted)
                await AppendAsync(new Approved(by, reasons.ToDictionary(r => KeyText(r.Key), r => r.Value), at), ct, Step("approved", by, adjustments.Count, at));
            return adjustments;
        }

        public Task CancelAsync(string by, DateTimeOffset at, CancellationToken ct)
        {
            Count.Cancel(by, at);
            return AppendAsync(new Cancelled(by, at), ct, Step("cancelled", by, 0, at));
        }

        public Task MarkAdjustmentsPostedAsync(CancellationToken ct) =>
            store.ExecuteAsync(Transaction, "UPDATE counts SET adjustments_posted = true WHERE count_id = $1", ct, Count.CountId);

        private CountStep Step(string step, string? by, int lines, DateTimeOffset at) => new(step, by, lines, at, Count.State);

        internal void Took(CountStep step) => _steps.Add(step);

        internal async Task AppendAsync(object command, CancellationToken ct, CountStep? step = null)
        {
            _seq++;
            await AppendCommandAsync(Transaction, Count.CountId, _seq, command, ct);
            if (step is not null) Took(step);
            await store.ExecuteAsync(Transaction, "UPDATE counts SET state = $2 WHERE count_id = $1", ct, Count.CountId, Count.State.ToString());
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            await CommitSignal.CommitAsync(Transaction, ct);
            store._cache[Count.CountId] = (Count, _seq);
        }

        public async ValueTask DisposeAsync()
        {
            var conn = Transaction.Connection;
            await Transaction.DisposeAsync();
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    /// <summary>
    /// Opens and starts a count in one transaction, refusing overlap with the centre's other open counts; the caller
    /// publishes the "opened" step and commits the session it answers. The caller drains the centre's movement stream
    /// first, so movements from before the count do not mark its lines stale.
    /// </summary>
    public async Task<Session> OpenAsync(StockCount count, Func<Task<IReadOnlyList<ExpectedLine>>> snapshot, DateTimeOffset at, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        var tx = await conn.BeginTransactionAsync(ct);
        var session = new Session(this, tx, count, 2);
        try
        {
            var lines = await StartAsync(tx, count, snapshot, at, ct);
            session.Took(new CountStep("opened", count.RequestedBy, lines, at, count.State));
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes the count and its first two commands; answers how many lines its snapshot holds.</summary>
    private async Task<int> StartAsync(NpgsqlTransaction tx, StockCount count, Func<Task<IReadOnlyList<ExpectedLine>>> snapshot, DateTimeOffset at, CancellationToken ct)
    {
        await tx.LockAsync("counts-of-centre:" + count.CentreId, ct);
        var others = new List<StockCount>();
        foreach (var id in await OpenCountIdsAsync(tx, count.CentreId, ct)) others.Add((await LoadAsync(tx, id, ct)).Count);
        StockCount.RequireNoOverlap(count, others);
        // Hold the centre's ledger drain until this count is committed: every movement drained after that is
        // checked against it (it may mark a line stale), so none between the snapshot and the commit is missed.
        await tx.LockAsync("ledger:" + count.CentreId, ct);
        var lines = await snapshot();
        count.Start(lines, at);
        StockCount.RequireNoOverlap(count, others); // again, now that the snapshot shows the lines

        await ExecuteAsync(tx, "INSERT INTO counts (count_id, centre_id, bins, part_numbers, state, opened_at, opened_by) VALUES ($1, $2, $3, $4, $5, $6, $7)", ct,
            count.CountId, count.CentreId, count.Scope.Bins.ToArray(), count.Scope.PartNumbers.ToArray(), count.State.ToString(), at, count.RequestedBy);
        await AppendCommandAsync(tx, count.CountId, 1, new Opened(count.CountId, count.CentreId, [.. count.Scope.Bins], [.. count.Scope.PartNumbers], count.Blind, count.RequestedBy, count.RequestedAt), ct);
        await AppendCommandAsync(tx, count.CountId, 2, new Started([.. lines], at), ct);
        return lines.Count;
    }

    /// <summary>Loads a count for changing it; the caller commits the session or disposes it to roll back.</summary>
    public async Task<Session> BeginAsync(string countId, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await tx.LockAsync("count:" + countId, ct);
            var (count, seq) = await LoadAsync(tx, countId, ct);
            _cache.TryRemove(countId, out _); // taken out while in use: a failed session leaves no half-changed copy behind
            return new Session(this, tx, count, seq);
        }
        catch
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>The approved counts whose adjustments are not all posted yet, oldest id first.</summary>
    public async Task<IReadOnlyList<string>> UnpostedCountIdsAsync(CancellationToken ct)
    {
        var ids = new List<string>();
        await using var cmd = dataSource.CreateCommand("SELECT count_id FROM counts WHERE state = 'Completed' AND NOT adjustments_posted ORDER BY count_id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>A count for reading.</summary>
    public async Task<StockCount> ReadAsync(string countId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        return (await LoadAsync(tx, countId, ct)).Count;
    }

    /// <summary>
    /// A page of counts from the header rows (no replay). <paramref name="centres"/> null lists every centre.
    /// Newest: opened_at, then count id, both descending. Urgent: open counts before finished ones, then opened_at and
    /// count id ascending (the longest open first). The token names the last row of the page before and its order.
    /// </summary>
    public async Task<CountPage> ListAsync(CountListFilter filter, int pageSize, string? pageToken, CancellationToken ct)
    {
        var after = CountPageToken.Read(pageToken, filter.Urgent);
        var where = new List<string>();
        await using var cmd = dataSource.CreateCommand();
        if (filter.Centres is { } centres)
        {
            where.Add("centre_id = ANY(@centres)");
            cmd.Parameters.AddWithValue("centres", centres.ToArray());
        }
        if (filter.OpenOnly) where.Add("state NOT IN ('Completed', 'Cancelled')");
        else if (filter.State is { } state)
        {
            where.Add("state = @state");
            cmd.Parameters.AddWithValue("state", state.ToString());
        }
        const string Finished = "(CASE WHEN state IN ('Completed', 'Cancelled') THEN 1 ELSE 0 END)";
        if (after is { } last)
        {
            where.Add(filter.Urgent
                ? $"({Finished}, opened_at, count_id) > (@rank, @at, @id)"
                : "(opened_at, count_id) < (@at, @id)");
            cmd.Parameters.AddWithValue("rank", last.Rank);
            cmd.Parameters.AddWithValue("at", last.OpenedAt);
            cmd.Parameters.AddWithValue("id", last.CountId);
        }
        cmd.Parameters.AddWithValue("limit", pageSize + 1);
        cmd.CommandText =
            $"""
            SELECT count_id, centre_id, bins, part_numbers, state, opened_by, opened_at, {Finished} FROM counts
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY {(filter.Urgent ? $"{Finished}, opened_at, count_id" : "opened_at DESC, count_id DESC")}
            LIMIT @limit
            """;
        var rows = new List<CountRow>();
        var next = "";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count == pageSize)
            {
                var l = rows[^1];
                next = CountPageToken.Write(filter.Urgent, l.IsOpen ? 0 : 1, l.OpenedAt, l.CountId);
                break;
            }
            rows.Add(new CountRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3),
                System.Enum.Parse<CountState>(reader.GetString(4)), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return new CountPage(rows, next);
    }

    /// <summary>
    /// Marks the lines a stock movement touched stale in every open count of the centre that could count them
    /// (inside the movement drain's transaction, at <paramref name="at"/>). Returns each count that took the mark with its
    /// "lines-stale" step, for the caller to publish in that transaction.
    /// </summary>
    public async Task<IReadOnlyList<(StockCount Count, CountStep Step)>> MarkStaleAsync(
        NpgsqlTransaction tx, string centreId, string partNumber, IReadOnlyList<string> bins, DateTimeOffset at, CancellationToken ct)
    {
        var marked = new List<(StockCount, CountStep)>();
        foreach (var countId in await OpenCountIdsAsync(tx, centreId, ct, partNumber, bins))
        {
            await tx.LockAsync("count:" + countId, ct);
            var (count, seq) = await LoadAsync(tx, countId, ct);
            _cache.TryRemove(countId, out _);
            var touched = 0;
            var places = bins.Count == 0 ? [CountLineKey.WholeCentre] : bins;
            foreach (var bin in places) touched += count.MarkStale(bin, partNumber);
            if (touched == 0) continue;
            foreach (var bin in places) await AppendCommandAsync(tx, countId, ++seq, new MarkedStale(bin, partNumber), ct);
            marked.Add((count, new CountStep("lines-stale", null, touched, at, count.State)));
        }
        return marked;
    }

    private async Task<(StockCount Count, int Seq)> LoadAsync(NpgsqlTransaction tx, string countId, CancellationToken ct)
    {
        await using (var last = new NpgsqlCommand("SELECT max(seq) FROM count_commands WHERE count_id = $1", tx.Connection, tx) { Parameters = { new() { Value = countId } } })
        {
            var seq = await last.ExecuteScalarAsync(ct) as int?
                ?? throw new NotFoundException($"count {countId} does not exist");
            if (_cache.TryGetValue(countId, out var cached) && cached.Seq == seq) return cached;
        }
        return await ReplayAsync(tx, countId, ct);
    }

    private static async Task<(StockCount, int)> ReplayAsync(NpgsqlTransaction tx, string countId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT seq, kind, body::text FROM count_commands WHERE count_id = $1 ORDER BY seq", tx.Connection, tx)
        { Parameters = { new() { Value = countId } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        StockCount? count = null;
        var seq = 0;
        while (await reader.ReadAsync(ct))
        {
            seq = reader.GetInt32(0);
            var body = reader.GetString(2);
            switch (reader.GetString(1))
            {
                case nameof(Opened):
                    var o = JsonSerializer.Deserialize<Opened>(body, Json)!;
                    count = StockCount.Open(o.CountId, CountScope.Define(o.CentreId, o.Bins, o.PartNumbers, Policy), o.Blind, o.By, Policy, o.At);
                    break;
                case nameof(Started): var s = Read<Started>(body); count!.Start(s.Lines, s.At); break;
                case nameof(Submitted): var l = Read<Submitted>(body); count!.SubmitLines(l.Lines, l.By, l.At); break;
                case nameof(MarkedStale): var m = Read<MarkedStale>(body); count!.MarkStale(m.Bin, m.PartNumber); break;
                case nameof(Resnapshotted): count!.Resnapshot(Read<Resnapshotted>(body).Line); break;
                case nameof(Closed): count!.Close(Read<Closed>(body).At); break;
                case nameof(Approved):
                    var a = Read<Approved>(body);
                    count!.Approve(a.By, a.Reasons.ToDictionary(r => ParseKey(r.Key), r => r.Value), a.At);
                    break;
                case nameof(Cancelled): var c = Read<Cancelled>(body); count!.Cancel(c.By, c.At); break;
            }
        }
        return (count ?? throw new NotFoundException($"count {countId} does not exist"), seq);
    }

    private static T Read<T>(string body) => JsonSerializer.Deserialize<T>(body, Json)!;

    private static string KeyText(CountLineKey key) => key.Bin + "\n" + key.PartNumber;

    private static CountLineKey ParseKey(string text) => new(text[..text.IndexOf('\n')], text[(text.IndexOf('\n') + 1)..]);

    private static async Task AppendCommandAsync(NpgsqlTransaction tx, string countId, int seq, object command, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("INSERT INTO count_commands (count_id, seq, kind, body) VALUES ($1, $2, $3, $4)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = countId }, new() { Value = seq }, new() { Value = command.GetType().Name },
                new() { Value = JsonSerializer.Serialize(command, command.GetType(), Json), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the centre has a count whose lines a movement could make stale (counting or recounting).</summary>
    public static async Task<bool> AnyCountingAsync(NpgsqlTransaction tx, string centreId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM counts WHERE centre_id = $1 AND state IN ('Counting', 'Recounting'))", tx.Connection, tx)
        { Parameters = { new() { Value = centreId } } };
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private static async Task<List<string>> OpenCountIdsAsync(NpgsqlTransaction tx, string centreId, CancellationToken ct, string? partNumber = null, IReadOnlyList<string>? bins = null)
    {
        // With a part: only the counts whose scope could hold it (the part, or one of the bins, or any bin for a whole-centre move).
        var sql = partNumber is null
            ? "SELECT count_id FROM counts WHERE centre_id = $1 AND state NOT IN ('Completed', 'Cancelled') ORDER BY count_id"
            : "SELECT count_id FROM counts WHERE centre_id = $1 AND state IN ('Counting', 'Recounting') AND ($2 = ANY(part_numbers) OR bins && $3 OR (cardinality($3) = 0 AND cardinality(bins) > 0)) ORDER BY count_id";
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx) { Parameters = { new() { Value = centreId } } };
        if (partNumber is not null)
        {
            cmd.Parameters.Add(new() { Value = partNumber });
            cmd.Parameters.Add(new() { Value = (bins ?? []).ToArray() });
        }
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    internal async Task ExecuteAsync(NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>What a list of counts covers: centres (null: every centre), one state or the open ones, and the order.</summary>
public sealed record CountListFilter(IReadOnlyCollection<string>? Centres, CountState? State, bool OpenOnly, bool Urgent);

/// <summary>A count's header row, as a list shows it.</summary>
public sealed record CountRow(string CountId, string CentreId, IReadOnlyList<string> Bins, IReadOnlyList<string> PartNumbers, CountState State, string OpenedBy, DateTimeOffset OpenedAt)
{
    public bool IsOpen => State is not (CountState.Completed or CountState.Cancelled);
}

/// <summary>A page of counts; <paramref name="NextPageToken"/> is "" on the last page.</summary>
public sealed record CountPage(IReadOnlyList<CountRow> Counts, string NextPageToken);

/// <summary>
/// The position after the last count of a page, in the order it was listed in: opaque to clients (base64url); a token
/// of the other order, or anything this API did not write, is refused naming page_token.
/// </summary>
public static class CountPageToken
{
    public static string Write(bool urgent, int rank, DateTimeOffset openedAt, string countId) =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(urgent ? 'u' : 'n')}|{rank}|{openedAt.UtcTicks}|{countId}")));

    public static (int Rank, DateTimeOffset OpenedAt, string CountId)? Read(string? token, bool urgent)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token)).Split('|', 4);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (parts.Length == 4 && parts[0] == (urgent ? "u" : "n") && parts[1] is "0" or "1" && parts[3].Length > 0
                && long.TryParse(parts[2], System.Globalization.NumberStyles.None, inv, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks)
                return (parts[1] == "1" ? 1 : 0, new DateTimeOffset(ticks, TimeSpan.Zero), parts[3]);
        }
        catch (FormatException) { }
        throw new InvalidFieldException("page_token", "is not a token this API gave (for this order)");
    }
}
