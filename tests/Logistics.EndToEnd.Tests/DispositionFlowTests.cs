using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// What happens to a quarantined unit, through the gateway: the warehouse proposes scrap, return to supplier or repair, a
/// supervisor who did not propose it decides, the warehouse carries it out. Stock moves through inventory's ledger,
/// custody follows the serial to the supplier, the repairer or the write-off, and a unit leaves the quarantine once.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DispositionFlowTests(TestStack stack)
{
    /// <summary>A faulty part swapped out, returned in ESD packaging, signed for and inspected with a confirmed fault: quarantined.</summary>
    private static async Task<(Flow Flow, string Serial)> QuarantinedAsync(TestStack stack)
    {
        var f = await StockedAsync(stack);
        var (requestId, installed) = await f.DeliveredRequestAsync();
        var faulty = "FAULTY-" + f.Id;
        await f.InstallAsync(requestId, installed, faulty);
        var returnId = Text(await f.ReturnOfRequestAsync(requestId), "returnId");
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
        await Eventually.Until(async () => await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [faulty])),
            r => r.IsSuccessStatusCode, Settle, "the centre signs for the return");
        await f.ReturnInStateAsync(returnId, "Received");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "confirmed-fault", note = "burnt capacitor" }));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "quarantined after a confirmed fault");
        return (f, faulty);
    }

    private static Task<HttpResponseMessage> ProposeAsync(HttpClient by, Flow f, string serial, object body) =>
        by.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/dispositions", body);

    private async Task<JsonElement> CustodyBecomesAsync(Flow f, string serial, string holder, string disposition) =>
        await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}")),
            s => Text(s, "holder") == holder && Text(s, "disposition") == disposition, Settle, $"custody: {serial} with {holder}, {disposition}");

    private async Task<long> MovementsOfAsync(string dispositionId) =>
        await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE reference = $1", dispositionId);

    private async Task<long> DispositionsOfAsync(string serial) =>
        await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.dispositions WHERE serial = $1", serial);

    [Fact]
    public async Task A_scrap_is_approved_by_another_person_written_off_once_and_custody_records_it_destroyed()
    {
        var (f, serial) = await QuarantinedAsync(stack);
        using var _ = f;
        using var both = await stack.RestAsAsync($"ws-{f.Id}", ["warehouse", "supervisor"], [f.Centre]);
        using var elsewhere = await stack.RestAsAsync($"wh-else-{f.Id}", ["warehouse"], ["OTHER-CENTRE"]);

        var listed = await Ok(await f.Warehouse.GetAsync($"/api/v1/centres/{f.Centre}/quarantine"));
        Assert.Equal([serial], listed.GetProperty("serials").EnumerateArray().Select(s => Text(s, "serial")));

        // Refusals first: each names what is wrong and writes nothing.
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "scrap" }), HttpStatusCode.BadRequest, "reason");
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "sell", reason = "x" }), HttpStatusCode.BadRequest, "kind");
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial = "BAD SERIAL", kind = "scrap", reason = "x" }), HttpStatusCode.BadRequest, "serial");
        await Refused(await ProposeAsync(f.Warehouse, f, f.Serials[2], new { partNumber = f.Part, serial = f.Serials[2], kind = "scrap", reason = "x" }),
            HttpStatusCode.BadRequest, $"serial {f.Serials[2]} of part {f.Part} is not quarantined");
        await Refused(await ProposeAsync(elsewhere, f, serial, new { partNumber = f.Part, serial, kind = "scrap", reason = "x" }), HttpStatusCode.Forbidden, f.Centre);
        await Refused(await ProposeAsync(f.Sup, f, serial, new { partNumber = f.Part, serial, kind = "scrap", reason = "x" }), HttpStatusCode.Forbidden);
        Assert.Equal(0, await DispositionsOfAsync(serial));

        var proposed = await Ok(await ProposeAsync(both, f, serial, new { partNumber = f.Part, serial, kind = "scrap", reason = "burnt beyond repair" }));
        var id = Text(proposed, "dispositionId");
        Assert.Equal("Proposed", Text(proposed, "state"));
        // A second proposal of the same serial, of any kind, is refused naming the serial.
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "return-to-supplier", supplier = "ACME", rmaNumber = "RMA-1" }),
            HttpStatusCode.BadRequest, $"serial {serial}");
        // The proposer cannot approve, even as a supervisor; warehouse staff cannot approve at all.
        await Refused(await both.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }), HttpStatusCode.Forbidden, "cannot approve");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }), HttpStatusCode.Forbidden);
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "DHL", trackingNumber = "T-1", esdPackaging = true }),
            HttpStatusCode.BadRequest, "scrap");
        Assert.Equal(proposed.ToString(), (await Ok(await f.Warehouse.GetAsync($"/api/v1/dispositions/{id}"))).ToString());
        Assert.Equal(0, await MovementsOfAsync(id));
        Assert.Equal(1, await DispositionsOfAsync(serial));

        var written = await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }));
        Assert.Equal("WrittenOff", Text(written, "state"));
        Assert.Equal(f.Supervisor, Text(written, "decidedBy"));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "written off");
        await Refused(await f.Sup2.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }), HttpStatusCode.BadRequest, "WrittenOff");
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "scrap", reason = "again" }), HttpStatusCode.BadRequest, $"serial {serial}");

        var custody = await CustodyBecomesAsync(f, serial, "centre:" + f.Centre, "destroyed");
        Assert.Equal("centre:" + f.Centre, Text(custody, "location"));
        await Eventually.Until(() => MovementsOfAsync(id), n => n == 1, Settle, "the write-off in the ledger");
        var movements = await Ok(await f.Warehouse.GetAsync($"/api/v1/centres/{f.Centre}/movements?kind=written-off"));
        Assert.Equal([serial], movements.GetProperty("movements").EnumerateArray().SelectMany(m => Strings(m, "serials")));
        Assert.Empty((await Ok(await f.Warehouse.GetAsync($"/api/v1/centres/{f.Centre}/quarantine"))).GetProperty("serials").EnumerateArray());
        await stack.AssertInvariantsAsync(centres: [f.Centre]);
    }

    [Fact]
    public async Task A_return_to_supplier_is_rejected_proposed_again_approved_shipped_in_esd_packaging_and_closed_by_credit()
    {
        var (f, serial) = await QuarantinedAsync(stack);
        using var _ = f;
        var rtv = new { partNumber = f.Part, serial, kind = "return-to-supplier", supplier = "ACME", rmaNumber = "RMA-" + f.Id };
        await Refused(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "return-to-supplier", supplier = "ACME" }),
            HttpStatusCode.BadRequest, "rma_number");

        var first = Text(await Ok(await ProposeAsync(f.Warehouse, f, serial, rtv)), "dispositionId");
        await Refused(await f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{first}:reject", new { reason = "" }), HttpStatusCode.BadRequest, "reason");
        var rejected = await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{first}:reject", new { reason = "wrong RMA" }));
        Assert.Equal("Rejected", Text(rejected, "state"));
        Assert.Equal("wrong RMA", Text(rejected, "rejectionReason"));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "still quarantined after the rejection");

        var id = Text(await Ok(await ProposeAsync(f.Warehouse, f, serial, rtv)), "dispositionId");
        var open = await Ok(await f.Sup.GetAsync($"/api/v1/dispositions?centreId={f.Centre}&state=Proposed"));
        Assert.Equal([id], open.GetProperty("dispositions").EnumerateArray().Select(d => Text(d, "dispositionId")));
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "DHL", trackingNumber = "T-1", esdPackaging = true }),
            HttpStatusCode.BadRequest, "Proposed");
        var approved = await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }));
        Assert.Equal("Approved", Text(approved, "state"));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "approval alone moves nothing");

        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "DHL", trackingNumber = "T-1", esdPackaging = false }),
            HttpStatusCode.BadRequest, "esd_packaging");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "DHL", esdPackaging = true }),
            HttpStatusCode.BadRequest, "tracking_number");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:close", new { settlement = "credit", reference = "CN-1" }),
            HttpStatusCode.BadRequest, "Approved");
        Assert.Equal(0, await MovementsOfAsync(id));

        var shipped = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "DHL", trackingNumber = "RTV-" + f.Id, esdPackaging = true }));
        Assert.Equal("Sent", Text(shipped, "state"));
        Assert.True(Flag(shipped, "esdPackaging"));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "returned to the supplier");
        var custody = await CustodyBecomesAsync(f, serial, "supplier:ACME", "returned");
        Assert.Equal($"in-transit:DHL/RTV-{f.Id}", Text(custody, "location"));
        var history = await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}/custody"));
        var last = history.GetProperty("events").EnumerateArray().Last();
        Assert.Equal(("shipping", "esd-bag-sealed", "disposition:" + id), (Text(last, "businessStep"), Text(last, "packaging"), Text(last, "reference")));

        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:close", new { settlement = "cash", reference = "CN-1" }), HttpStatusCode.BadRequest, "settlement");
        var closed = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:close", new { settlement = "credit", reference = "CN-" + f.Id }));
        Assert.Equal(("Closed", "credit"), (Text(closed, "state"), Text(closed, "settlement")));
        Assert.Equal(1, await MovementsOfAsync(id));
        await stack.AssertInvariantsAsync(centres: [f.Centre]);
    }

    [Fact]
    public async Task A_repair_goes_to_the_repairer_comes_back_is_inspected_into_stock_and_counts_one_repair()
    {
        var (f, serial) = await QuarantinedAsync(stack);
        using var _ = f;
        var id = Text(await Ok(await ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "repair", repairer = "REP-SZ" })), "dispositionId");
        await Ok(await f.Sup2.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }));
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:receive", new { }), HttpStatusCode.BadRequest, "Approved");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:ship", new { carrier = "SF", trackingNumber = "REP-" + f.Id, esdPackaging = true }));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "at the repairer");
        await CustodyBecomesAsync(f, serial, "repairer:REP-SZ", "in_progress");
        await stack.AssertInvariantsAsync(centres: [f.Centre]);

        var received = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:receive", new { }));
        Assert.Equal("Received", Text(received, "state"));
        await f.StockBecomesAsync((2, 0, 2, 0, 1, 0), "back from repair, awaiting inspection");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:inspect", new { outcome = "repaired" }), HttpStatusCode.BadRequest, "bin");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:inspect", new { outcome = "repaired", bin = "Z-99" }), HttpStatusCode.BadRequest, "Z-99");

        var repaired = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/dispositions/{id}:inspect", new { outcome = "repaired", bin = "A-02" }));
        Assert.Equal("Repaired", Text(repaired, "state"));
        Assert.Equal(1, Number(repaired, "repairCount"));
        await f.StockBecomesAsync((3, 0, 3, 0, 0, 0), "repaired, back in good stock");
        var custody = await CustodyBecomesAsync(f, serial, "centre:" + f.Centre, "available");
        Assert.Equal($"centre:{f.Centre}/bin:A-02", Text(custody, "location"));
        await stack.AssertInvariantsAsync(centres: [f.Centre]);
    }

    [Fact]
    public async Task Of_concurrent_proposals_and_approvals_of_one_serial_exactly_one_wins()
    {
        var (f, serial) = await QuarantinedAsync(stack);
        using var _ = f;
        var proposals = await Task.WhenAll(Enumerable.Range(0, 4).Select(n =>
            ProposeAsync(f.Warehouse, f, serial, new { partNumber = f.Part, serial, kind = "scrap", reason = "race " + n })));
        Assert.Single(proposals, r => r.IsSuccessStatusCode);
        foreach (var loser in proposals.Where(r => !r.IsSuccessStatusCode)) await Refused(loser, HttpStatusCode.BadRequest, $"serial {serial}");
        Assert.Equal(1, await DispositionsOfAsync(serial));

        var id = Text(await Ok(proposals.Single(r => r.IsSuccessStatusCode)), "dispositionId");
        var approvals = await Task.WhenAll(f.Sup.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }),
            f.Sup2.PostAsJsonAsync($"/api/v1/dispositions/{id}:approve", new { }));
        Assert.Single(approvals, r => r.IsSuccessStatusCode);
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "written off once");
        await Eventually.Until(() => MovementsOfAsync(id), n => n == 1, Settle, "one write-off in the ledger");
        await Eventually.Never(async () => await MovementsOfAsync(id) > 1, TimeSpan.FromSeconds(1), "a second write-off");
        await stack.AssertInvariantsAsync(centres: [f.Centre]);
    }
}
