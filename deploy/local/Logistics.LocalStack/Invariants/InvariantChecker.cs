using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.LocalStack.Invariants;

/// <summary>A broken invariant (docs/domain.md "Invariants"), with what was found.</summary>
public sealed record InvariantViolation(string Invariant, string Detail)
{
    public override string ToString() => $"{Invariant}: {Detail}";
}

/// <summary>
/// Checks the system's invariants against a live stack, from the outside: the gateway's API (stock, reconcile) with
/// an auditor's token, read-only queries on each service's schema, and read-only scans of the stock authority in
/// Redis (where each centre holds each serial: a forged or lost event shows there first). Run it once the stack is quiet (it first waits
/// for every outbox to drain). `deploy/local/check.sh` runs it against the local stack; the fault tests run it after
/// each fault.
/// </summary>
public sealed class InvariantChecker(string postgresConnectionString, string redisConnectionString, string gatewayHttp, string token,
    Action<string>? progress = null)
{
    private static readonly string[] Schemas = ["requests", "receipts", "returns", "inventory", "doa", "custody"];
    private readonly Action<string> _progress = progress ?? (_ => { });

    /// <summary>
    /// The centres to check; every centre when null. A test on a stack shared with other tests checks what it made: the
    /// others plant refusals and forged events on purpose, and reuse serial numbers at their own centres.
    /// </summary>
    public IReadOnlySet<string>? Centres { get; init; }

    private bool Mine(string centreId) => Centres is null || Centres.Contains(centreId);

    private bool Mentions(string row) => Centres is null || Centres.Any(c => row.Contains(c, StringComparison.Ordinal));

    public async Task<IReadOnlyList<InvariantViolation>> CheckAsync(TimeSpan quiescence, CancellationToken ct = default)
    {
        await using var db = NpgsqlDataSource.Create(postgresConnectionString);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        using var http = new HttpClient(new RetryAfterHandler(_progress) { InnerHandler = new SocketsHttpHandler() })
            { BaseAddress = new Uri(gatewayHttp), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Events published a moment ago may still be on their way to a subscriber: a violation counts only if it is
        // still there when the stack has had `quiescence` to settle.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var violations = new List<InvariantViolation>();
            violations.AddRange(await OutboxesDrainAsync(db, quiescence, ct));
            var centres = (await ListAsync(db, "SELECT centre_id FROM inventory.centres ORDER BY centre_id", ct)).Where(Mine).ToList();
            var walked = Stopwatch.StartNew();
            for (var i = 0; i < centres.Count; i++)
            {
                violations.AddRange(await StockNeverNegativeAsync(http, centres[i], ct));
                violations.AddRange(await RedisEqualsLedgerAsync(http, centres[i], ct));
                if ((i + 1) % 100 == 0) _progress($"stock checked at {i + 1} of {centres.Count} centres ({walked.Elapsed.TotalSeconds:0} s)");
            }
            violations.AddRange(await SerialChecksAsync(db, redis, ct));
            foreach (var (invariant, sql) in QueryChecks)
            {
                foreach (var row in (await ListAsync(db, sql, ct)).Where(Mentions)) violations.Add(new InvariantViolation(invariant, row));
            }
            if (violations.Count == 0 || clock.Elapsed > quiescence)
            {
                _progress((violations.Count == 0 ? $"every invariant holds ({centres.Count} centres)" : $"{violations.Count} violations") +
                          $" after {clock.Elapsed.TotalSeconds:0.0} s");
                return violations;
            }
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Gets an auditor's token from the local stack's /dev/token (local stacks only).</summary>
    public static async Task<string> DevTokenAsync(string gatewayHttp, CancellationToken ct = default)
    {
        using var http = new HttpClient { BaseAddress = new Uri(gatewayHttp), Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsJsonAsync("/dev/token", new { userId = "invariant-checker", roles = new[] { "auditor", "admin" } }, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Each query returns one text row per violation. They read the services' own tables (an operator's view; the
    /// services never read each other's).
    /// </summary>
    private static readonly (string Invariant, string Sql)[] QueryChecks =
    [
        ("no event applied twice (inventory: a reservation reserved, shipped or released twice)",
            """
            SELECT reservation_id || ' ' || kind || ' x' || count(*) FROM inventory.movements
            WHERE reservation_id <> '' AND kind IN ('reserved', 'shipped', 'released') GROUP BY reservation_id, kind HAVING count(*) > 1
            """),
        ("no event applied twice (inventory: a serial received or returned twice on one reference)",
            """
            SELECT reference || ' ' || kind || ' ' || s || ' x' || count(*) FROM inventory.movements, unnest(serials) AS s
            WHERE kind IN ('received', 'faulty-in', 'lost-in-transit') GROUP BY reference, kind, s HAVING count(*) > 1
            """),
        ("every unit is in exactly one place (a shipped serial both delivered and written off as lost)",
            """
            SELECT m.centre_id || ' ' || m.reference || ' ' || s || ' received and lost in transit' FROM inventory.movements m, unnest(m.serials) AS s
            WHERE m.kind = 'lost-in-transit'
              AND EXISTS (SELECT 1 FROM inventory.movements r WHERE r.centre_id = m.centre_id AND r.reference = m.reference AND r.kind = 'received' AND s = ANY (r.serials))
            """),
        ("no unit leaves quarantine twice (a serial left the quarantine of a centre more often than it entered it)",
            """
            SELECT centre_id || '/' || part_number || '/' || (m->>'serial') || ' left the quarantine '
                   || count(*) FILTER (WHERE m->>'from' = 'quarantined') || ' times, entered it ' || count(*) FILTER (WHERE m->>'to' = 'quarantined')
            FROM inventory.movements, jsonb_array_elements(document->'serialMoves') AS m
            WHERE m->>'from' = 'quarantined' OR m->>'to' = 'quarantined'
            GROUP BY centre_id, part_number, m->>'serial'
            HAVING count(*) FILTER (WHERE m->>'from' = 'quarantined') > count(*) FILTER (WHERE m->>'to' = 'quarantined')
            """),
        ("no unit leaves quarantine twice (each disposition carried out moves its unit out once, one not carried out never)",
            """
            SELECT d.disposition_id || ' (' || d.kind || ', ' || d.state || ') of ' || d.serial || ' has ' || count(m.movement_id) || ' movements out of the quarantine'
            FROM inventory.dispositions d
            LEFT JOIN inventory.movements m ON m.centre_id = d.centre_id AND m.reference = d.disposition_id
                 AND m.kind IN ('sent-to-repair', 'returned-to-supplier', 'written-off')
            GROUP BY d.disposition_id, d.kind, d.state, d.serial
            HAVING count(m.movement_id) <> CASE WHEN d.state IN ('Proposed', 'Approved', 'Rejected') THEN 0 ELSE 1 END
            """),
        ("transfers conserve stock (per transfer: the serials or units shipped leave the sending centre once, each received one enters the receiving centre once and leaves the sending centre's transit once, the ones written off as lost leave it once as lost-in-transit)",
            """
            SELECT t.transfer_id || ' (' || t.state || ', ' || t.from_centre_id || ' -> ' || t.to_centre_id || '): shipped '
                   || coalesce(sh.n, 0) || ' (expected ' || x.shipped || '), received in ' || coalesce(rc.n, 0) || ', out of transit '
                   || coalesce(dl.n, 0) || ' (expected ' || x.received || '), lost ' || coalesce(lo.n, 0) || ' (expected ' || x.lost || ')'
            FROM inventory.transfers t
            CROSS JOIN LATERAL (SELECT coalesce((t.document->>'serialized')::boolean, true) AS serialized) k
            CROSS JOIN LATERAL (SELECT CASE WHEN t.state NOT IN ('Shipped', 'PartlyReceived', 'Received') THEN 0
                                            WHEN k.serialized THEN jsonb_array_length(t.document->'serials')
                                            ELSE (t.document->>'quantity')::int END AS shipped,
                                       CASE WHEN k.serialized THEN jsonb_array_length(t.document->'receivedSerials')
                                            ELSE (t.document->>'receivedQuantity')::int END AS received,
                                       CASE WHEN k.serialized THEN jsonb_array_length(coalesce(t.document->'lostSerials', '[]'::jsonb))
                                            ELSE coalesce((t.document->>'lostUnits')::int, 0) END AS lost) x
            LEFT JOIN LATERAL (SELECT sum(m.quantity) AS n FROM inventory.movements m
                               WHERE m.centre_id = t.from_centre_id AND m.reference = t.transfer_id AND m.kind = 'transfer-shipped') sh ON true
            LEFT JOIN LATERAL (SELECT sum(m.quantity) AS n FROM inventory.movements m
                               WHERE m.centre_id = t.to_centre_id AND m.reference = t.transfer_id AND m.kind = 'transfer-received') rc ON true
            LEFT JOIN LATERAL (SELECT sum(m.quantity) AS n FROM inventory.movements m
                               WHERE m.centre_id = t.from_centre_id AND m.reference = t.transfer_id AND m.kind = 'transfer-delivered') dl ON true
            LEFT JOIN LATERAL (SELECT sum(m.quantity) AS n FROM inventory.movements m
                               WHERE m.centre_id = t.from_centre_id AND m.reference = t.transfer_id AND m.kind = 'lost-in-transit') lo ON true
            WHERE coalesce(sh.n, 0) <> x.shipped OR coalesce(rc.n, 0) <> x.received OR coalesce(dl.n, 0) <> x.received OR coalesce(lo.n, 0) <> x.lost
            """),
        ("every swap has a return received or flagged",
            """
            SELECT r.request_id || ' (' || r.state || ') has no return' FROM requests.part_requests r
            WHERE r.state IN ('Installed', 'Closed') AND NOT EXISTS (SELECT 1 FROM returns.returns t WHERE t.request_id = r.request_id)
            UNION ALL
            SELECT t.return_id || ' due ' || t.due_at || ' is neither received nor flagged overdue' FROM returns.returns t
            WHERE t.state IN ('Open', 'Packed', 'Shipped') AND t.due_at < now() AND NOT t.overdue
            """),
        ("every Delivered or later request has a current signed receipt for its serials",
            """
            SELECT r.request_id || ' (' || r.state || ') ' || CASE WHEN s.reference IS NULL THEN 'has no shipment'
                   ELSE 'has no current signed receipt for ' || coalesce((SELECT string_agg(x, ', ') FROM unnest(s.serials) AS x
                        WHERE NOT EXISTS (SELECT 1 FROM receipts.receipts c WHERE c.reference = r.request_id AND c.superseded_by IS NULL
                                          AND (x = ANY (c.accepted_serials) OR x = ANY (c.missing_serials)))), 'it') END
            FROM requests.part_requests r LEFT JOIN receipts.shipments s ON s.reference = r.request_id
            WHERE r.state IN ('Delivered', 'Installed', 'Closed')
              AND (s.reference IS NULL
                   OR NOT EXISTS (SELECT 1 FROM receipts.receipts c WHERE c.reference = r.request_id AND c.superseded_by IS NULL)
                   OR EXISTS (SELECT 1 FROM unnest(s.serials) AS x
                              WHERE NOT EXISTS (SELECT 1 FROM receipts.receipts c WHERE c.reference = r.request_id AND c.superseded_by IS NULL
                                                AND (x = ANY (c.accepted_serials) OR x = ANY (c.missing_serials)))))
            """),
        ("every approved DOA claim has its replacement request",
            """
            SELECT d.claim_id || ' (' || d.state || ') has no replacement request' FROM doa.doa_claims d
            WHERE d.state NOT IN ('Filed', 'Rejected')
              AND NOT EXISTS (SELECT 1 FROM requests.part_requests r WHERE r.doa_claim_id = d.claim_id)
            """),
        ("signed receipts never change (a serial accepted twice on current receipts of one reference)",
            """
            SELECT reference || ' ' || s || ' x' || count(*) FROM receipts.receipts, unnest(accepted_serials) AS s
            WHERE superseded_by IS NULL GROUP BY reference, s HAVING count(*) > 1
            """),
    ];

    /// <summary>A serial a centre holds in Redis: on hand, in transit from it, faulty or quarantined.</summary>
    private sealed record HeldSerial(string CentreId, string PartNumber, string Serial, string Place);

    /// <summary>
    /// The invariants on serials, read from what each centre holds in Redis (the stock authority), not from a table
    /// that follows it: one centre at most per serial, custody agreeing on where it is on hand, and a return behind
    /// every faulty or quarantined unit.
    /// </summary>
    private async Task<IReadOnlyList<InvariantViolation>> SerialChecksAsync(NpgsqlDataSource db, ConnectionMultiplexer redis, CancellationToken ct)
    {
        var all = await HeldSerialsAsync(redis);
        // A serial held at one of the centres checked is compared with every centre (held twice is a violation of both).
        var mine = all.Where(h => Mine(h.CentreId)).Select(h => (h.PartNumber, h.Serial)).ToHashSet();
        var held = all.Where(h => mine.Contains((h.PartNumber, h.Serial))).ToList();
        var found = new List<InvariantViolation>();
        foreach (var serial in held.GroupBy(h => (h.PartNumber, h.Serial)).Where(g => g.Select(h => h.CentreId).Distinct().Count() > 1))
            found.Add(new InvariantViolation("a serial is held at one centre at most (Redis)",
                $"{serial.Key.PartNumber}/{serial.Key.Serial}: " + string.Join(", ", serial.OrderBy(h => h.CentreId, StringComparer.Ordinal).Select(h => $"{h.Place} at {h.CentreId}"))));

        var custody = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await ListAsync(db, "SELECT serial || E'\t' || location FROM custody.serials", ct))
            custody[row[..row.IndexOf('\t')]] = row[(row.IndexOf('\t') + 1)..];
        foreach (var h in held.Where(h => h.Place == "on-hand"))
        {
            var location = custody.GetValueOrDefault(h.Serial, "");
            if (location != "centre:" + h.CentreId && !location.StartsWith("centre:" + h.CentreId + "/", StringComparison.Ordinal))
                found.Add(new InvariantViolation("custody agrees where inventory holds a serial on hand",
                    $"{h.Serial} on hand at {h.CentreId} but custody says {(location == "" ? "(unknown)" : location)}"));
        }

        // A unit at a repairer or on its way back to the supplier is in that one place: no centre holds it.
        var away = await ListAsync(db, """
            SELECT part_number || E'\t' || serial || E'\t' || CASE kind WHEN 'repair' THEN 'at repairer ' || (document->>'repairer')
                   ELSE 'returned to supplier ' || (document->>'supplier') END || ' (' || disposition_id || ')'
            FROM inventory.dispositions WHERE state = 'Sent'
            """, ct);
        var heldBySerial = held.ToLookup(h => h.PartNumber + "\t" + h.Serial, StringComparer.Ordinal);
        foreach (var row in away)
        {
            var fields = row.Split('\t');
            foreach (var h in heldBySerial[fields[0] + "\t" + fields[1]])
                found.Add(new InvariantViolation("every unit is in exactly one place (at a repairer, at a supplier, scrapped)",
                    $"{fields[0]}/{fields[1]} is {fields[2]} but also {h.Place} at {h.CentreId}"));
        }

        // A unit on the road between two centres is in one place too: in transit at the sending centre, and held nowhere else;
        // so is one a final receipt recorded missing, until it is written off as lost in transit (the lost check below has it).
        var travelling = await ListAsync(db, """
            SELECT t.part_number || E'\t' || s || E'\t' || t.from_centre_id || E'\t' || t.transfer_id
            FROM inventory.transfers t, jsonb_array_elements_text(t.document->'serials') AS s
            WHERE t.state IN ('Shipped', 'PartlyReceived', 'Received') AND NOT (t.document->'receivedSerials' ? s)
              AND NOT (coalesce(t.document->'lostSerials', '[]'::jsonb) ? s)
            """, ct);
        foreach (var row in travelling)
        {
            var fields = row.Split('\t');
            if (!Mine(fields[2])) continue;
            var places = all.Where(h => h.PartNumber == fields[0] && h.Serial == fields[1]).ToList();
            if (places.Count != 1 || places[0].CentreId != fields[2] || places[0].Place != "in-transit")
                found.Add(new InvariantViolation("every unit is in exactly one place (in transit between centres)",
                    $"{fields[0]}/{fields[1]} travels from {fields[2]} on transfer {fields[3]} but is "
                    + (places.Count == 0 ? "held nowhere" : string.Join(", ", places.Select(h => $"{h.Place} at {h.CentreId}")))));
        }

        // Units of a part tracked by quantity on the road between two centres are in transit at the sending centre: its
        // in-transit level holds at least the units its open transfers have shipped and neither delivered nor written off as lost (engineers'
        // shipments are in it too, so at least, not equal).
        var onTheRoad = await ListAsync(db, """
            SELECT from_centre_id || E'\t' || part_number || E'\t' || sum((document->>'quantity')::int - (document->>'receivedQuantity')::int - coalesce((document->>'lostUnits')::int, 0))
                   || E'\t' || string_agg(transfer_id, ' ' ORDER BY transfer_id)
            FROM inventory.transfers
            WHERE state IN ('Shipped', 'PartlyReceived', 'Received') AND (document->>'serialized')::boolean IS FALSE
            GROUP BY from_centre_id, part_number
            """, ct);
        foreach (var fields in onTheRoad.Select(row => row.Split('\t')).Where(f => Mine(f[0])))
        {
            var inTransit = (long?)await redis.GetDatabase().HashGetAsync($"inv:{{{fields[0]}}}:level:{fields[1]}", "in_transit") ?? 0;
            if (inTransit < long.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture))
                found.Add(new InvariantViolation("every unit is in exactly one place (in transit between centres)",
                    $"{fields[1]} at {fields[0]}: transfers {fields[3]} shipped {fields[2]} not delivered, but {inTransit} in transit"));
        }

        // A unit written off as lost in transit (docs/lost-in-transit.md) is in one place, "lost": custody has it with nobody
        // and no centre holds it. (Custody moving on from "lost", e.g. the unit booked in again when the carrier finds it,
        // is a new place, not a break.)
        var lost = await ListAsync(db, """
            SELECT m.part_number || E'\t' || s || E'\t' || m.centre_id || E'\t' || m.reference || E'\t' || coalesce(c.location, '(unknown)')
            FROM inventory.movements m CROSS JOIN unnest(m.serials) AS s LEFT JOIN custody.serials c ON c.serial = s
            WHERE m.kind = 'lost-in-transit'
            """, ct);
        var anywhere = all.ToLookup(h => h.PartNumber + "\t" + h.Serial, StringComparer.Ordinal);
        foreach (var fields in lost.Select(row => row.Split('\t')).Where(f => Mine(f[2])))
        {
            var holders = anywhere[fields[0] + "\t" + fields[1]].ToList();
            if (fields[4] == "lost")
            {
                foreach (var h in holders)
                    found.Add(new InvariantViolation("every unit is in exactly one place (lost in transit)",
                        $"{fields[0]}/{fields[1]} was written off as lost on {fields[3]} but is also {h.Place} at {h.CentreId}"));
            }
            else if (holders.Count == 0 && (fields[4] == "(unknown)" || fields[4].StartsWith("in-transit", StringComparison.Ordinal)))
                found.Add(new InvariantViolation("every unit is in exactly one place (lost in transit)",
                    $"{fields[0]}/{fields[1]} was written off as lost on {fields[3]} but custody says {fields[4]}"));
        }

        var returned = (await ListAsync(db, "SELECT part_number || E'\t' || serial FROM returns.returns", ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var h in held.Where(h => h.Place is "faulty" or "quarantined" && !returned.Contains(h.PartNumber + "\t" + h.Serial)))
            found.Add(new InvariantViolation("every faulty or quarantined unit has its return (or DOA dead-unit return)",
                $"{h.PartNumber}/{h.Serial} is {h.Place} at {h.CentreId} with no return"));
        return found;
    }

    /// <summary>Every serial every centre holds, from the keys of the stock scripts (services/Inventory/Data/Stock/README.md).</summary>
    private static async Task<IReadOnlyList<HeldSerial>> HeldSerialsAsync(ConnectionMultiplexer redis)
    {
        var held = new List<HeldSerial>();
        var db = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            foreach (var (kind, placeOf) in new (string, Func<RedisValue, string>)[]
                     { ("serials", _ => "on-hand"), ("in_transit", _ => "in-transit"), ("faulty", v => (string)v!) })
            {
                await foreach (var key in server.KeysAsync(pattern: $"inv:{{*}}:{kind}:*", pageSize: 1000))
                {
                    var name = (string)key!;
                    var close = name.IndexOf("}:", StringComparison.Ordinal);
                    if (!name.AsSpan(close + 2).StartsWith(kind + ":", StringComparison.Ordinal)) continue; // e.g. an idempotency key naming it
                    var centre = name[5..close];
                    var part = name[(close + 2 + kind.Length + 1)..];
                    foreach (var entry in await db.HashGetAllAsync(key))
                        held.Add(new HeldSerial(centre, part, (string)entry.Name!, placeOf(entry.Value)));
                }
            }
        }
        return held;
    }

    private static async Task<IReadOnlyList<InvariantViolation>> OutboxesDrainAsync(NpgsqlDataSource db, TimeSpan quiescence, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var left = new List<InvariantViolation>();
        while (true)
        {
            left.Clear();
            foreach (var schema in Schemas)
            {
                await using var cmd = db.CreateCommand($"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL");
                var pending = (long)(await cmd.ExecuteScalarAsync(ct))!;
                if (pending > 0) left.Add(new InvariantViolation("no outbox row left unpublished after quiescence", $"{schema}: {pending} unpublished"));
            }
            if (left.Count == 0 || clock.Elapsed > quiescence) return left;
            await Task.Delay(200, ct);
        }
    }

    private static async Task<IReadOnlyList<InvariantViolation>> StockNeverNegativeAsync(HttpClient http, string centre, CancellationToken ct)
    {
        var found = new List<InvariantViolation>();
        var token = "";
        do
        {
            var page = await GetJsonAsync(http, $"/api/v1/centres/{centre}/stock?pageSize=500&pageToken={Uri.EscapeDataString(token)}", ct);
            foreach (var level in page.TryGetProperty("levels", out var levels) ? levels.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                var part = level.GetProperty("partNumber").GetString();
                long Measure(string name) => level.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
                foreach (var name in new[] { "onHand", "reserved", "available", "inTransit", "faulty", "quarantined" })
                    if (Measure(name) < 0) found.Add(new InvariantViolation("stock never negative", $"{centre}/{part}: {name} = {Measure(name)}"));
                if (Measure("reserved") > Measure("onHand"))
                    found.Add(new InvariantViolation("never reserved beyond what is on hand", $"{centre}/{part}: reserved {Measure("reserved")} > on hand {Measure("onHand")}"));
            }
            token = page.TryGetProperty("nextPageToken", out var next) ? next.GetString() ?? "" : "";
        } while (token != "");
        return found;
    }

    private static async Task<IReadOnlyList<InvariantViolation>> RedisEqualsLedgerAsync(HttpClient http, string centre, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"/api/v1/centres/{centre}:reconcile", new { }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            return [new InvariantViolation("Redis equals the ledger replay", $"{centre}: reconcile answered {(int)response.StatusCode} {body}")];
        var result = JsonDocument.Parse(body).RootElement;
        return result.TryGetProperty("differences", out var differences)
            ? differences.EnumerateArray().Select(d => new InvariantViolation("Redis equals the ledger replay", $"{centre}: {d}")).ToList()
            : [];
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<IReadOnlyList<string>> ListAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct)) rows.Add(reader.GetString(0));
        return rows;
    }
}
