using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using Xunit.Abstractions;
using static Logistics.Testing.Flow;

namespace Logistics.Security.Tests;

/// <summary>
/// Object-level authorization through the gateway's REST port (docs/authorization.md): staff of centre B get 403 naming
/// centre A for every centre-bound operation at A, and the refused call writes nothing anywhere; the same operation by
/// A's own staff succeeds. Engineers read only the receipts of their handovers; delivery managers read the requests and
/// returns DOA claims concern, and nothing else; a staff token without centres acts for none.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CentreScopeTests(TestStack stack, ITestOutputHelper output)
{
    private readonly List<string> _problems = [];

    /// <summary>
    /// One row per centre-bound operation, in an order that lets each own-centre call succeed (a count is opened before
    /// it is closed, a return shipped before it is received). Rows share one world: centre A with its staff, and the
    /// intruders, warehouse staff and a supervisor of centre B.
    /// </summary>
    [Fact]
    public async Task Staff_of_another_centre_are_refused_every_centre_bound_operation_and_the_centres_own_staff_are_not()
    {
        using var a = await StockedAsync(stack, units: 8);
        using var b = await StockedAsync(stack, units: 1);
        var notHere = $"does not work for centre {a.Centre}";
        var (wh, sup) = (b.Warehouse, b.Sup); // intruders at A

        // ---- stock
        var newSerial = $"SN-{a.Id}-NEW";
        object goodsIn = new { partNumber = a.Part, bin = "A-02", serials = new[] { newSerial } };
        await Row("goods-in", () => Post(wh, $"/api/v1/centres/{a.Centre}/goods-in", goodsIn), () => Post(a.Warehouse, $"/api/v1/centres/{a.Centre}/goods-in", goodsIn), notHere);

        // ---- a stock count at A: open, read, count, close, approve; a second one cancelled
        object openCount = new { centreId = a.Centre, bins = new[] { "A-02" } };
        var count = await Row("open a count", () => Post(wh, "/api/v1/counts", openCount), () => Post(a.Warehouse, "/api/v1/counts", openCount), notHere);
        var countId = Text(count, "countId");
        await Row("read a count (warehouse)", () => wh.GetAsync($"/api/v1/counts/{countId}"), () => a.Warehouse.GetAsync($"/api/v1/counts/{countId}"), notHere);
        await Row("read a count (supervisor)", () => sup.GetAsync($"/api/v1/counts/{countId}"), () => a.Sup.GetAsync($"/api/v1/counts/{countId}"), notHere);
        object lines = new { lines = new[] { new { bin = "A-02", partNumber = a.Part, countedQuantity = 1, serialsSeen = new[] { newSerial } } } };
        await Row("submit count lines", () => Post(wh, $"/api/v1/counts/{countId}/lines", lines), () => Post(a.Warehouse, $"/api/v1/counts/{countId}/lines", lines), notHere);
        await Row("close a count", () => Post(wh, $"/api/v1/counts/{countId}:close", new { }), () => Post(a.Warehouse, $"/api/v1/counts/{countId}:close", new { }), notHere);
        await Row("approve a count", () => Post(sup, $"/api/v1/counts/{countId}:approve", new { }), () => Post(a.Sup, $"/api/v1/counts/{countId}:approve", new { }), notHere);
        var second = Text(await Ok(await Post(a.Warehouse, "/api/v1/counts", openCount)), "countId");
        await Row("cancel a count (warehouse)", () => Post(wh, $"/api/v1/counts/{second}:cancel", new { }), null, notHere);
        await Row("cancel a count (supervisor)", () => Post(sup, $"/api/v1/counts/{second}:cancel", new { }), () => Post(a.Sup, $"/api/v1/counts/{second}:cancel", new { }), notHere);

        // ---- stock reads and reservations
        foreach (var (what, path) in new[]
                 {
                     ("read a stock level", $"/api/v1/centres/{a.Centre}/stock/{a.Part}"), ("list stock levels", $"/api/v1/centres/{a.Centre}/stock"),
                 })
        {
            await Row($"{what} (warehouse)", () => wh.GetAsync(path), () => a.Warehouse.GetAsync(path), notHere);
            await Row($"{what} (supervisor)", () => sup.GetAsync(path), () => a.Sup.GetAsync(path), notHere);
        }
        await Row("list serials on the shelf", () => wh.GetAsync($"/api/v1/centres/{a.Centre}/serials?partNumber={a.Part}"),
            () => a.Warehouse.GetAsync($"/api/v1/centres/{a.Centre}/serials?partNumber={a.Part}"), notHere);
        await Row("read the movement ledger", () => wh.GetAsync($"/api/v1/centres/{a.Centre}/movements"), () => a.Warehouse.GetAsync($"/api/v1/centres/{a.Centre}/movements"), notHere);
        object reserve = new { partNumber = a.Part, quantity = 1, reference = "SEC-" + a.Id };
        await Row("reserve (warehouse)", () => Post(wh, $"/api/v1/centres/{a.Centre}/reservations", reserve), null, notHere);
        var reservation = await Row("reserve (supervisor)", () => Post(sup, $"/api/v1/centres/{a.Centre}/reservations", reserve),
            () => Post(a.Sup, $"/api/v1/centres/{a.Centre}/reservations", reserve), notHere);
        var reservationId = Text(reservation, "reservationId");
        await Row("release (warehouse)", () => Post(wh, $"/api/v1/reservations/{reservationId}:release", new { }), null, notHere);
        await Row("release (supervisor)", () => Post(sup, $"/api/v1/reservations/{reservationId}:release", new { }),
            () => Post(a.Warehouse, $"/api/v1/reservations/{reservationId}:release", new { }), notHere);

        // ---- part requests: ship, read, list, approve, reject, cancel
        var shipped = await a.ReservedRequestAsync();
        var serial = await a.FreeSerialAsync();
        object ship = new { serials = new[] { serial }, packaging = EsdPackaging(), carrier = "SF Express", trackingNo = "TRK-" + a.Id };
        await Row("ship a part request", () => Post(wh, $"/api/v1/part-requests/{shipped}:ship", ship), () => Post(a.Warehouse, $"/api/v1/part-requests/{shipped}:ship", ship), notHere);
        await Row("read a part request (warehouse)", () => wh.GetAsync($"/api/v1/part-requests/{shipped}"), () => a.Warehouse.GetAsync($"/api/v1/part-requests/{shipped}"), notHere);
        await Row("read a part request (supervisor)", () => sup.GetAsync($"/api/v1/part-requests/{shipped}"), () => a.Sup.GetAsync($"/api/v1/part-requests/{shipped}"), notHere);
        await Row("list part requests of a centre", () => wh.GetAsync($"/api/v1/part-requests?centreId={a.Centre}"),
            () => a.Warehouse.GetAsync($"/api/v1/part-requests?centreId={a.Centre}"), notHere);
        await ListShowsOnly("part requests", b.Sup, "/api/v1/part-requests", "requests", b.Centre);
        await ListShowsOnly("part requests", a.Warehouse, "/api/v1/part-requests", "requests", a.Centre);

        var toApprove = Text(await a.SubmitAsync(quantity: 3), "requestId");
        var toReject = Text(await a.SubmitAsync(quantity: 3, by: a.OtherEng), "requestId");
        var toCancel = Text(await a.SubmitAsync(quantity: 3), "requestId");
        await Row("approve a part request", () => Post(sup, $"/api/v1/part-requests/{toApprove}:approve", new { }),
            () => Post(a.Sup, $"/api/v1/part-requests/{toApprove}:approve", new { }), notHere);
        await Row("reject a part request", () => Post(sup, $"/api/v1/part-requests/{toReject}:reject", new { reason = "not needed" }),
            () => Post(a.Sup, $"/api/v1/part-requests/{toReject}:reject", new { reason = "not needed" }), notHere);
        await Row("cancel a part request (supervisor)", () => Post(sup, $"/api/v1/part-requests/{toCancel}:cancel", new { reason = "duplicate" }),
            () => Post(a.Sup, $"/api/v1/part-requests/{toCancel}:cancel", new { reason = "duplicate" }), notHere);

        // ---- receipts of the delivery: staff of A read them, B's do not; a supervisor of B cannot correct them
        await Eventually.Until(async () => (await Post(a.Eng, "/api/v1/receipts", Receipt("centre-to-engineer", shipped, [serial]))).IsSuccessStatusCode,
            Settle, $"the engineer signs for {shipped}");
        await a.RequestInStateAsync(shipped, "Delivered"); // the receipt's events have been applied
        var receiptId = Text((await Ok(await a.Eng.GetAsync($"/api/v1/receipts?reference={shipped}"))).GetProperty("receipts")[0], "receiptId");
        await Row("list the receipts of a handover (warehouse)", () => wh.GetAsync($"/api/v1/receipts?reference={shipped}"),
            () => a.Warehouse.GetAsync($"/api/v1/receipts?reference={shipped}"), notHere);
        await Row("read a receipt (supervisor)", () => sup.GetAsync($"/api/v1/receipts/{receiptId}"), () => a.Sup.GetAsync($"/api/v1/receipts/{receiptId}"), notHere);
        object correction = new { serials = new[] { serial }, quantity = 1, packaging = new { outerIntact = true, esdBagSealed = true }, condition = "ok", note = "checked again" };
        await Row("correct a receipt (supervisor)", () => Post(sup, $"/api/v1/receipts/{receiptId}:correct", correction),
            () => Post(a.Sup, $"/api/v1/receipts/{receiptId}:correct", correction), notHere);

        // ---- the faulty part's return: read, list, sign for it at the centre, inspect
        await a.RequestInStateAsync(shipped, "Delivered");
        await a.InstallAsync(shipped, serial, $"OLD-{a.Id}");
        var returnId = Text(await a.ReturnOfRequestAsync(shipped), "returnId");
        await Row("read a return (warehouse)", () => wh.GetAsync($"/api/v1/returns/{returnId}"), () => a.Warehouse.GetAsync($"/api/v1/returns/{returnId}"), notHere);
        await Row("read a return (supervisor)", () => sup.GetAsync($"/api/v1/returns/{returnId}"), () => a.Sup.GetAsync($"/api/v1/returns/{returnId}"), notHere);
        await Row("list returns of a centre", () => sup.GetAsync($"/api/v1/returns?centreId={a.Centre}"), () => a.Sup.GetAsync($"/api/v1/returns?centreId={a.Centre}"), notHere);
        await ListShowsOnly("returns", b.Warehouse, "/api/v1/returns", "returns", b.Centre);
        await Ok(await Post(a.Eng, $"/api/v1/returns/{returnId}:pack", a.Packing(shipped, $"OLD-{a.Id}")));
        await Ok(await Post(a.Eng, $"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + a.Id }));
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1", returnId) == 1,
            Settle, "receipts expects the return");
        object returnReceipt = Receipt("engineer-to-centre", returnId, [$"OLD-{a.Id}"]);
        await Row("sign for a return at the centre", () => Post(wh, "/api/v1/receipts", returnReceipt), () => Post(a.Warehouse, "/api/v1/receipts", returnReceipt), notHere);
        await a.ReturnInStateAsync(returnId, "Received");
        object inspection = new { result = "confirmed-fault", note = "dead on the bench" };
        await Row("inspect a return", () => Post(wh, $"/api/v1/returns/{returnId}:inspect", inspection), () => Post(a.Warehouse, $"/api/v1/returns/{returnId}:inspect", inspection), notHere);

        // ---- a DOA claim at A: supervisors of B neither read nor list it, B's warehouse cannot inspect its dead unit
        var (delivered, dead) = await a.DeliveredRequestAsync();
        var claim = await Ok(await Eventually.Until(async () => await Post(a.Dm, "/api/v1/doa-claims", DoaClaim(delivered, dead)),
            r => r.IsSuccessStatusCode, Settle, "doa knows the delivery"));
        var claimId = Text(claim, "claimId");
        await Row("read a DOA claim (supervisor)", () => sup.GetAsync($"/api/v1/doa-claims/{claimId}"), () => a.Sup.GetAsync($"/api/v1/doa-claims/{claimId}"), notHere);
        var seenByB = await Ok(await sup.GetAsync("/api/v1/doa-claims"));
        if (seenByB.GetProperty("claims").EnumerateArray().Any(c => Text(c, "centreId") != b.Centre)) _problems.Add("a supervisor of B lists a claim of another centre");
        // The centre's own warehouse passes the centre check; the claim is not yet waiting for an inspection (400).
        await Row("inspect a dead unit", () => Post(wh, $"/api/v1/doa-claims/{claimId}:inspect", new { result = "confirmed-doa" }),
            () => Post(a.Warehouse, $"/api/v1/doa-claims/{claimId}:inspect", new { result = "confirmed-doa" }), notHere, ownStatus: HttpStatusCode.BadRequest);

        Assert.True(_problems.Count == 0, "\n" + string.Join("\n", _problems));
    }

    [Fact]
    public async Task A_staff_token_without_centres_acts_for_no_centre_and_says_so()
    {
        using var a = await StockedAsync(stack, units: 1);
        using var warehouse = await stack.RestAsAsync($"wh-none-{a.Id}", "warehouse");
        using var supervisor = await stack.RestAsAsync($"sup-none-{a.Id}", "supervisor");
        const string none = "carries no centres";
        await Row("goods-in", () => Post(warehouse, $"/api/v1/centres/{a.Centre}/goods-in", new { partNumber = a.Part, bin = "A-01", serials = new[] { $"SN-{a.Id}-X" } }), null, none);
        await Row("read stock", () => warehouse.GetAsync($"/api/v1/centres/{a.Centre}/stock/{a.Part}"), null, none);
        await Row("list part requests", () => warehouse.GetAsync("/api/v1/part-requests"), null, none);
        await Row("list returns", () => supervisor.GetAsync("/api/v1/returns"), null, none);
        await Row("list DOA claims", () => supervisor.GetAsync("/api/v1/doa-claims"), null, none);
        await Row("open a count", () => Post(warehouse, "/api/v1/counts", new { centreId = a.Centre, bins = new[] { "A-01" } }), null, none);
        // Engineers and delivery managers read every centre's stock levels, auditors and admins everything of a centre.
        await Ok(await a.Eng.GetAsync($"/api/v1/centres/{a.Centre}/stock/{a.Part}"));
        await Ok(await a.Dm.GetAsync($"/api/v1/centres/{a.Centre}/stock"));
        await Ok(await a.Auditor.GetAsync($"/api/v1/centres/{a.Centre}/movements"));
        Assert.True(_problems.Count == 0, "\n" + string.Join("\n", _problems));
    }

    [Fact]
    public async Task An_engineer_reads_only_the_receipts_of_handovers_addressed_to_them_handed_over_by_them_or_signed_by_them()
    {
        using var a = await StockedAsync(stack, units: 2);
        var (requestId, serial) = await a.DeliveredRequestAsync();
        var receipt = (await Ok(await a.Eng.GetAsync($"/api/v1/receipts?reference={requestId}"))).GetProperty("receipts")[0];
        var receiptId = Text(receipt, "receiptId");
        Assert.Equal(a.Engineer, Text(receipt, "receivedBy"));
        await Ok(await a.Eng.GetAsync($"/api/v1/receipts/{receiptId}"));
        const string notTheirs = "neither addressed to";
        await Row("another engineer reads the receipt", () => a.OtherEng.GetAsync($"/api/v1/receipts/{receiptId}"), null, notTheirs);
        await Row("another engineer lists the handover's receipts", () => a.OtherEng.GetAsync($"/api/v1/receipts?reference={requestId}"), null, notTheirs);

        // The return of the faulty part: the engineer handed it over, the centre signed for it; both read that receipt.
        await a.InstallAsync(requestId, serial, $"OLD-{a.Id}");
        var returnId = Text(await a.ReturnOfRequestAsync(requestId), "returnId");
        await Ok(await Post(a.Eng, $"/api/v1/returns/{returnId}:pack", a.Packing(requestId, $"OLD-{a.Id}")));
        await Ok(await Post(a.Eng, $"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + a.Id }));
        await Eventually.Until(async () => (await Post(a.Warehouse, "/api/v1/receipts", Receipt("engineer-to-centre", returnId, [$"OLD-{a.Id}"]))).IsSuccessStatusCode,
            Settle, "the centre signs for the return");
        var back = (await Ok(await a.Eng.GetAsync($"/api/v1/receipts?reference={returnId}"))).GetProperty("receipts")[0];
        Assert.Equal(a.WarehouseUser, Text(back, "receivedBy"));
        await Row("another engineer reads the return's receipt", () => a.OtherEng.GetAsync($"/api/v1/receipts?reference={returnId}"), null, notTheirs);
        // Delivery managers, auditors and admins read receipts anywhere.
        await Ok(await a.Dm.GetAsync($"/api/v1/receipts/{receiptId}"));
        await Ok(await a.Auditor.GetAsync($"/api/v1/receipts?reference={returnId}"));
        Assert.True(_problems.Count == 0, "\n" + string.Join("\n", _problems));
    }

    [Fact]
    public async Task A_delivery_manager_reads_the_requests_and_returns_a_DOA_claim_concerns_and_no_others()
    {
        using var a = await StockedAsync(stack, units: 4);
        var (plain, plainSerial) = await a.DeliveredRequestAsync();
        var (delivered, dead) = await a.DeliveredRequestAsync();
        var claimId = Text(await Ok(await Eventually.Until(async () => await Post(a.Dm, "/api/v1/doa-claims", DoaClaim(delivered, dead)),
            r => r.IsSuccessStatusCode, Settle, "doa knows the delivery")), "claimId");
        const string notConcerned = "a delivery manager reads only those";
        // Before the approval the claim carries what a decision needs; the request is not yet one a claim concerns.
        await Row("read the claimed request before the approval", () => a.Dm.GetAsync($"/api/v1/part-requests/{delivered}"), null, notConcerned);
        var approved = await Ok(await Post(a.Dm2, $"/api/v1/doa-claims/{claimId}:approve", new { }));
        var replacement = Text(approved, "replacementRequestId");

        await Eventually.Until(async () => (await a.Dm.GetAsync($"/api/v1/part-requests/{delivered}")).IsSuccessStatusCode, Settle, "the claimed request readable");
        await Eventually.Until(async () => (await a.Dm.GetAsync($"/api/v1/part-requests/{replacement}")).IsSuccessStatusCode, Settle, "the replacement readable");
        await Row("read a request no claim concerns", () => a.Dm.GetAsync($"/api/v1/part-requests/{plain}"), null, notConcerned);
        var listed = (await Ok(await a.Dm.GetAsync("/api/v1/part-requests?pageSize=500"))).GetProperty("requests").EnumerateArray().Select(r => Text(r, "requestId")).ToList();
        Assert.Contains(delivered, listed);
        Assert.Contains(replacement, listed);
        Assert.DoesNotContain(plain, listed);

        // The dead unit's return opens on the approval; the faulty-part return of an ordinary swap stays closed to them.
        var deadReturn = await Eventually.Until(async () =>
            {
                var list = await Ok(await a.Dm.GetAsync("/api/v1/returns?pageSize=500"));
                return list.GetProperty("returns").EnumerateArray().FirstOrDefault(r => Text(r, "doaClaimId") == claimId);
            }, r => r.ValueKind == JsonValueKind.Object, Settle, "the dead unit's return listed for the delivery manager");
        await Ok(await a.Dm.GetAsync($"/api/v1/returns/{Text(deadReturn, "returnId")}"));
        var all = await Ok(await a.Dm.GetAsync("/api/v1/returns?pageSize=500"));
        Assert.All(all.GetProperty("returns").EnumerateArray(), r => Assert.NotEqual("", Text(r, "doaClaimId")));
        await a.InstallAsync(plain, plainSerial, $"OLD-{a.Id}");
        var plainReturn = Text(await a.ReturnOfRequestAsync(plain), "returnId");
        await Row("read an ordinary return", () => a.Dm.GetAsync($"/api/v1/returns/{plainReturn}"), null, "dead unit");
        Assert.True(_problems.Count == 0, "\n" + string.Join("\n", _problems));
    }

    // ---- the table's machinery

    /// <summary>
    /// One row: <paramref name="refused"/> must be a 403 naming <paramref name="named"/> and change nothing any service
    /// stores; then <paramref name="own"/> (the centre's own staff) must succeed (or answer <paramref name="ownStatus"/>).
    /// Failures are collected, so one run reports every row that is wrong. Returns the own call's answer.
    /// </summary>
    private async Task<JsonElement> Row(string operation, Func<Task<HttpResponseMessage>> refused, Func<Task<HttpResponseMessage>>? own, string named,
        HttpStatusCode? ownStatus = null)
    {
        var before = await QuietStateAsync();
        using (var response = await refused())
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains(named, StringComparison.Ordinal))
                _problems.Add($"{operation}: expected 403 naming '{named}', got {(int)response.StatusCode}: {body}");
        }
        await Task.Delay(300); // anything the refused call had set off would show by now
        var changed = Changed(before, await StateAsync());
        if (changed.Count > 0) _problems.Add($"{operation}: the refused call changed {string.Join(", ", changed)}");
        output.WriteLine($"{operation}: refused, nothing written");
        if (own is null) return default;
        using var ownResponse = await own();
        var ownBody = await ownResponse.Content.ReadAsStringAsync();
        var ok = ownStatus is { } expected ? ownResponse.StatusCode == expected : ownResponse.IsSuccessStatusCode;
        if (!ok)
        {
            // Later rows build on this one: stop here with every problem so far.
            _problems.Add($"{operation}: the centre's own staff got {(int)ownResponse.StatusCode}: {ownBody}");
            Assert.Fail("\n" + string.Join("\n", _problems));
        }
        return ok && ownResponse.IsSuccessStatusCode && ownBody.Length > 0 ? JsonDocument.Parse(ownBody).RootElement.Clone() : default;
    }

    /// <summary>A list without a centre filter shows a staff member only the records of their centre.</summary>
    private async Task ListShowsOnly(string what, HttpClient client, string path, string property, string centre)
    {
        var list = await Ok(await client.GetAsync(path + "?pageSize=500"));
        var others = list.GetProperty(property).EnumerateArray().Select(x => Text(x, "centreId")).Where(c => c != centre).Distinct().ToList();
        if (others.Count > 0) _problems.Add($"the {what} list of staff of {centre} shows centres {string.Join(", ", others)}");
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, object body)
    {
        // With an idempotency key: a refused call must not keep it either.
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "sec-" + Guid.NewGuid().ToString("N"));
        return client.SendAsync(request);
    }

    private static object DoaClaim(string requestId, string serial) => new
    {
        requestId, serial, detectedAt = "unboxing", symptom = "no power on unboxing", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true,
    };

    private static readonly string[] Schemas = ["requests", "receipts", "returns", "inventory", "doa", "custody"];

    /// <summary>
    /// What every service stores: a digest of every table of every service schema (an outbox row by its id only, as the
    /// relay marks rows published later). Waits until two reads a moment apart agree, so earlier steps' events are done.
    /// </summary>
    private async Task<Dictionary<string, string>> QuietStateAsync()
    {
        var previous = await StateAsync();
        var quiet = 0;
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(400);
            var next = await StateAsync();
            quiet = Changed(previous, next).Count == 0 ? quiet + 1 : 0;
            if (quiet == 3) return next;
            previous = next;
        }
        throw new TimeoutException("the stack did not settle within 24 s");
    }

    private async Task<Dictionary<string, string>> StateAsync()
    {
        var tables = new List<string>();
        await using (var cmd = stack.Database.CreateCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Schemas });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var state = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            var row = table.EndsWith(".outbox", StringComparison.Ordinal) ? "t.id::text" : "t::text";
            state[table] = await stack.ScalarAsync<string>(
                $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(x, ',' ORDER BY x)), '') FROM (SELECT {row} AS x FROM {table} t) q") ?? "";
        }
        return state;
    }

    private static List<string> Changed(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).Order().ToList();
}
