using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Logistics.LocalStack.Invariants;

/// <summary>A broken invariant (domain.md "Invariants"), with what was found.</summary>
public sealed record InvariantViolation(string Invariant, string Detail)
{
    public override string ToString() => $"{Invariant}: {Detail}";
}

/// <summary>
/// Checks the system's invariants against a live stack, from the outside: the gateway's API (stock, reconcile) with
/// an auditor's token, and read-only queries on each service's schema. Run it once the stack is quiet (it first waits
/// for every outbox to drain). `deploy/local/check.sh` runs it against the local stack; the fault tests run it after
/// each fault.
/// </summary>
public sealed class InvariantChecker(string postgresConnectionString, string gatewayHttp, string token, Action<string>? progress = null)
{
    private static readonly string[] Schemas = ["requests", "receipts", "returns", "inventory", "doa", "custody"];
    private readonly Action<string> _progress = progress ?? (_ => { });

    public async Task<IReadOnlyList<InvariantViolation>> CheckAsync(TimeSpan quiescence, CancellationToken ct = default)
    {
        await using var db = NpgsqlDataSource.Create(postgresConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(gatewayHttp), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Events published a moment ago may still be on their way to a subscriber: a violation counts only if it is
        // still there when the stack has had `quiescence` to settle.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var violations = new List<InvariantViolation>();
            violations.AddRange(await OutboxesDrainAsync(db, quiescence, ct));
            var centres = await ListAsync(db, "SELECT centre_id FROM inventory.centres ORDER BY centre_id", ct);
            foreach (var centre in centres)
            {
                violations.AddRange(await StockNeverNegativeAsync(http, centre, ct));
                violations.AddRange(await RedisEqualsLedgerAsync(http, centre, ct));
            }
            foreach (var (invariant, sql) in QueryChecks)
            {
                foreach (var row in await ListAsync(db, sql, ct)) violations.Add(new InvariantViolation(invariant, row));
            }
            if (violations.Count == 0 || clock.Elapsed > quiescence)
            {
                _progress(violations.Count == 0 ? $"every invariant holds ({centres.Count} centres)" : $"{violations.Count} violations");
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
            WHERE kind IN ('received', 'faulty-in') GROUP BY reference, kind, s HAVING count(*) > 1
            """),
        ("a serial has exactly one holder (inventory holds it at one centre and custody agrees)",
            """
            SELECT h.serial || ' held at ' || h.centre_id || ' but custody says ' || coalesce(c.location, '(unknown)')
            FROM inventory.serial_holders h LEFT JOIN custody.serials c ON c.serial = h.serial
            WHERE h.place = 'on-hand'
              AND NOT (coalesce(c.location, '') = 'centre:' || h.centre_id OR coalesce(c.location, '') LIKE 'centre:' || h.centre_id || '/%')
            """),
        ("every swap has a return received or flagged",
            """
            SELECT r.request_id || ' (' || r.state || ') has no return' FROM requests.part_requests r
            WHERE r.state IN ('Installed', 'Closed') AND NOT EXISTS (SELECT 1 FROM returns.returns t WHERE t.request_id = r.request_id)
            UNION ALL
            SELECT t.return_id || ' due ' || t.due_at || ' is neither received nor flagged overdue' FROM returns.returns t
            WHERE t.state IN ('Open', 'Packed', 'Shipped') AND t.due_at < now() AND NOT t.overdue
            """),
        ("signed receipts never change (a serial accepted twice on current receipts of one reference)",
            """
            SELECT reference || ' ' || s || ' x' || count(*) FROM receipts.receipts, unnest(accepted_serials) AS s
            WHERE superseded_by IS NULL GROUP BY reference, s HAVING count(*) > 1
            """),
    ];

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
