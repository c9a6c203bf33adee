using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Replenishment through the gateway: min/max set by the warehouse, stock at or below the reorder point proposed up to
/// order-up-to (a transfer suggested from a centre above its max, a purchase from the part's supplier), the proposal
/// accepted with changes, the purchase's expected goods-in (ASN) counted as incoming, goods-in against it short and then
/// complete, and the ASN closed. Every refusal names the field and writes nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReplenishmentFlowTests(TestStack stack)
{
    private static async Task<JsonElement> GoodsInAsync(HttpClient by, string centre, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{centre}/goods-in") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await Ok(await by.SendAsync(request));
    }

    private static async Task<long> AvailableAsync(HttpClient by, string centre, string part) =>
        (await Ok(await by.GetAsync($"/api/v1/centres/{centre}/stock/{part}"))).GetProperty("available").GetInt64();

    private static IEnumerable<(string Part, string Source, string SourceCentre, int Quantity)> Lines(JsonElement proposal) =>
        proposal.GetProperty("lines").EnumerateArray()
            .Select(l => (Text(l, "partNumber"), Text(l, "source"), Text(l, "sourceCentre"), l.GetProperty("quantity").GetInt32()));

    private static async Task<JsonElement> SendAsync(HttpClient by, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await Ok(await by.SendAsync(request));
    }

    [Fact]
    public async Task A_transfer_line_accepted_requests_its_transfer_once_which_counts_as_incoming_until_it_is_received()
    {
        using var f = await StockedAsync(stack); // the source: three serials of the part, two above its max of 1
        var to = $"RT-{f.Id}";
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{to}", new { name = "Receiving centre", bins = new[] { "B-01" } }));
        using var toWarehouse = await stack.RestAsAsync($"wh-rt-{f.Id}", ["warehouse"], [to]);
        await Ok(await f.Warehouse.PutAsJsonAsync($"/api/v1/centres/{f.Centre}/stock-limits/{f.Part}", new { reorderPoint = 0, orderUpTo = 1 }));
        await Ok(await toWarehouse.PutAsJsonAsync($"/api/v1/centres/{to}/stock-limits/{f.Part}", new { reorderPoint = 0, orderUpTo = 2 }));
        var proposals = $"/api/v1/centres/{to}/replenishment-proposals";
        var proposal = await Ok(await toWarehouse.PostAsJsonAsync(proposals, new { }));
        var proposalId = Text(proposal, "proposalId");
        Assert.Equal([(f.Part, "transfer", f.Centre, 2)], Lines(proposal));

        // Accepted as proposed: the decision names the transfer, requested from the source in the same transaction.
        var accept = $"/api/v1/replenishment-proposals/{proposalId}:accept";
        var accepted = await SendAsync(toWarehouse, accept, new { }, $"acc-{f.Id}");
        var decision = accepted.GetProperty("proposal").GetProperty("decisions")[0];
        var transferId = Text(decision, "transferId");
        Assert.Equal(("transfer", f.Centre), (Text(decision, "action"), Text(decision, "sourceCentre")));
        var transfer = await Ok(await f.Warehouse.GetAsync($"/api/v1/transfers/{transferId}"));
        Assert.Equal(("Requested", f.Centre, to, f.Part, 2), (Text(transfer, "state"), Text(transfer, "fromCentreId"), Text(transfer, "toCentreId"),
            Text(transfer, "partNumber"), transfer.GetProperty("quantity").GetInt32()));
        Assert.Equal($"replenishment proposal {proposalId}", Text(transfer, "note"));

        // Exactly once: the same key replays the answer, a second accept is refused.
        Assert.Equal(accepted.ToString(), (await SendAsync(toWarehouse, accept, new { }, $"acc-{f.Id}")).ToString());
        await Refused(await toWarehouse.PostAsJsonAsync(accept, new { }), HttpStatusCode.BadRequest, "Accepted");
        Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.transfers WHERE to_centre_id = $1", to));

        // Open, it counts as incoming: the next proposal asks for nothing.
        Assert.Empty(Lines(await Ok(await toWarehouse.PostAsJsonAsync(proposals, new { }))));

        // The source picks and ships it; the receiving centre receives it; nothing to propose and the stock conserved.
        string[] picked = [f.Serials[0], f.Serials[1]];
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{transferId}:pick", new { serials = picked }, $"pick-{f.Id}");
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{transferId}:ship", new { carrier = "SF", trackingNumber = $"SF-{f.Id}", esdPackaging = true }, $"ship-{f.Id}");
        Assert.Empty(Lines(await Ok(await toWarehouse.PostAsJsonAsync(proposals, new { }))));
        var received = await SendAsync(toWarehouse, $"/api/v1/transfers/{transferId}:receive", new { serials = picked, bin = "B-01", final = true }, $"rcv-{f.Id}");
        Assert.Equal("Received", Text(received, "state"));
        Assert.Equal(2, await AvailableAsync(toWarehouse, to, f.Part));
        Assert.Empty(Lines(await Ok(await toWarehouse.PostAsJsonAsync(proposals, new { }))));
        await stack.AssertInvariantsAsync(centres: [f.Centre, to]);
    }

    [Fact]
    public async Task Stock_below_min_is_proposed_accepted_as_a_purchase_expected_received_short_then_complete_and_closed()
    {
        using var f = await StockedAsync(stack, units: 0);
        var cable = $"FIB-{f.Id}";
        var board = $"FAN-{f.Id}";
        var supplier = $"ACME-{f.Id}";
        var source = $"SRC-{f.Id}";
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{cable}", new { description = "Fibre cable", serialized = false, unit = "pcs", supplier }));
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{board}", new { description = "Fan board", serialized = false, unit = "pcs" }));
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{source}", new { name = "Source centre", bins = new[] { "B-01" } }));
        using var sourceWarehouse = await stack.RestAsAsync($"wh-src-{f.Id}", ["warehouse"], [source]);
        using var elsewhere = await stack.RestAsAsync($"wh-else-{f.Id}", ["warehouse"], ["OTHER-CENTRE"]);
        await GoodsInAsync(f.Warehouse, f.Centre, new { partNumber = cable, bin = "A-01", quantity = 3 }, $"gi-{f.Id}-0");
        await GoodsInAsync(sourceWarehouse, source, new { partNumber = board, bin = "B-01", quantity = 50 }, $"gi-{f.Id}-src");

        // Min/max: refusals name the field and write nothing.
        var limits = $"/api/v1/centres/{f.Centre}/stock-limits";
        await Refused(await f.Warehouse.PutAsJsonAsync($"{limits}/{cable}", new { reorderPoint = 5, orderUpTo = 4 }), HttpStatusCode.BadRequest, "order_up_to");
        await Refused(await f.Warehouse.PutAsJsonAsync($"{limits}/{cable}", new { reorderPoint = -1, orderUpTo = 4 }), HttpStatusCode.BadRequest, "reorder_point");
        await Refused(await f.Warehouse.PutAsJsonAsync($"{limits}/NO-{f.Id}", new { reorderPoint = 1, orderUpTo = 4 }), HttpStatusCode.NotFound, $"NO-{f.Id}");
        await Refused(await elsewhere.PutAsJsonAsync($"{limits}/{cable}", new { reorderPoint = 1, orderUpTo = 4 }), HttpStatusCode.Forbidden, f.Centre);
        await Refused(await f.Eng.PutAsJsonAsync($"{limits}/{cable}", new { reorderPoint = 1, orderUpTo = 4 }), HttpStatusCode.Forbidden);
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.stock_limits WHERE centre_id = $1", f.Centre));

        await Ok(await f.Warehouse.PutAsJsonAsync($"{limits}/{cable}", new { reorderPoint = 5, orderUpTo = 20 }));
        await Ok(await f.Sup.PutAsJsonAsync($"{limits}/{board}", new { reorderPoint = 5, orderUpTo = 20 }));
        await Ok(await sourceWarehouse.PutAsJsonAsync($"/api/v1/centres/{source}/stock-limits/{board}", new { reorderPoint = 2, orderUpTo = 10 }));
        var listed = await Ok(await f.Warehouse.GetAsync(limits));
        Assert.Equal([board, cable], listed.GetProperty("limits").EnumerateArray().Select(l => Text(l, "partNumber")).Order(StringComparer.Ordinal));

        // Propose now: the board comes from the centre holding 40 above its max, the cable from its supplier.
        var proposals = $"/api/v1/centres/{f.Centre}/replenishment-proposals";
        var proposal = await Ok(await f.Warehouse.PostAsJsonAsync(proposals, new { }));
        var proposalId = Text(proposal, "proposalId");
        Assert.Equal("Open", Text(proposal, "state"));
        Assert.Equal(new[] { (board, "transfer", source, 20), (cable, "purchase", "", 17) }, Lines(proposal).OrderBy(l => l.Part, StringComparer.Ordinal));
        Assert.Equal(supplier, Text(proposal.GetProperty("lines").EnumerateArray().Single(l => Text(l, "partNumber") == cable), "supplier"));

        // Accept: refusals name the line's field, change nothing, make no ASN.
        var accept = $"/api/v1/replenishment-proposals/{proposalId}:accept";
        await Refused(await f.Warehouse.PostAsJsonAsync(accept, new { lines = new[] { new { partNumber = cable, action = "steal" } } }), HttpStatusCode.BadRequest, "lines[0].action");
        await Refused(await f.Warehouse.PostAsJsonAsync(accept, new { lines = new[] { new { partNumber = cable, quantity = -2 } } }), HttpStatusCode.BadRequest, "lines[0].quantity");
        await Refused(await f.Warehouse.PostAsJsonAsync(accept, new { lines = new[] { new { partNumber = $"NO-{f.Id}" } } }), HttpStatusCode.BadRequest, "lines[0].part_number");
        await Refused(await f.Sup.PostAsJsonAsync(accept, new { }), HttpStatusCode.Forbidden);
        await Refused(await elsewhere.PostAsJsonAsync(accept, new { }), HttpStatusCode.Forbidden, f.Centre);
        Assert.Equal("Open", Text(await Ok(await f.Warehouse.GetAsync($"/api/v1/replenishment-proposals/{proposalId}")), "state"));
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.expected_goods_in WHERE centre_id = $1", f.Centre));

        // The warehouse drops the transfer and accepts the cable purchase: one ASN of the supplier.
        var accepted = await Ok(await f.Warehouse.PostAsJsonAsync(accept, new { lines = new[] { new { partNumber = board, action = "drop" } } }));
        Assert.Equal("Accepted", Text(accepted.GetProperty("proposal"), "state"));
        var decisions = accepted.GetProperty("proposal").GetProperty("decisions").EnumerateArray().ToDictionary(d => Text(d, "partNumber"), d => Text(d, "action"));
        Assert.Equal("drop", decisions[board]);
        Assert.Equal("purchase", decisions[cable]);
        var asn = Assert.Single(accepted.GetProperty("expectedGoodsIn").EnumerateArray());
        var asnId = Text(asn, "asnId");
        Assert.Equal((supplier, "Open"), (Text(asn, "supplier"), Text(asn, "state")));
        Assert.Equal(17, asn.GetProperty("lines")[0].GetProperty("quantity").GetInt32());

        // The ASN counts as incoming: the next proposal leaves the cable out (3 + 17 > 5).
        var next = await Ok(await f.Warehouse.PostAsJsonAsync(proposals, new { }));
        Assert.Equal([board], Lines(next).Select(l => l.Part));

        // Goods-in against it: short first (10 of 17), plus a part it did not expect.
        var short_ = await GoodsInAsync(f.Warehouse, f.Centre, new { partNumber = cable, bin = "A-01", quantity = 10, asnId }, $"gi-{f.Id}-1");
        var check = short_.GetProperty("expectedGoodsIn");
        Assert.Equal("Open", Text(check, "state"));
        Assert.Equal(("Short", 10), (Text(check.GetProperty("check")[0], "status"), check.GetProperty("check")[0].GetProperty("received").GetInt32()));
        var unexpected = (await GoodsInAsync(f.Warehouse, f.Centre, new { partNumber = board, bin = "A-01", quantity = 1, asnId }, $"gi-{f.Id}-2"))
            .GetProperty("expectedGoodsIn").GetProperty("check");
        Assert.Equal((board, "Unexpected"), (Text(unexpected[1], "partNumber"), Text(unexpected[1], "status")));
        Assert.Equal([board], Lines(await Ok(await f.Warehouse.PostAsJsonAsync(proposals, new { }))).Select(l => l.Part)); // 13 + 7 still incoming

        // The rest: complete, closed; a retry of that goods-in replays, a new one against the closed ASN is refused.
        var complete = (await GoodsInAsync(f.Warehouse, f.Centre, new { partNumber = cable, bin = "A-01", quantity = 7, asnId }, $"gi-{f.Id}-3")).GetProperty("expectedGoodsIn");
        Assert.Equal(("Closed", "Complete"), (Text(complete, "state"), Text(complete.GetProperty("check")[0], "status")));
        var replay = (await GoodsInAsync(f.Warehouse, f.Centre, new { partNumber = cable, bin = "A-01", quantity = 7, asnId }, $"gi-{f.Id}-3")).GetProperty("expectedGoodsIn");
        Assert.Equal(17, replay.GetProperty("check")[0].GetProperty("received").GetInt32());
        Assert.Equal(20, await AvailableAsync(f.Warehouse, f.Centre, cable));
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = cable, bin = "A-01", quantity = 1, asnId }),
            HttpStatusCode.BadRequest, "closed");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = cable, bin = "A-01", quantity = 1, asnId = "bad asn" }),
            HttpStatusCode.BadRequest, "asn_id");
        Assert.Equal(20, await AvailableAsync(f.Warehouse, f.Centre, cable));

        var closed = await Ok(await f.Warehouse.GetAsync($"/api/v1/expected-goods-in?centreId={f.Centre}&state=Closed"));
        Assert.Equal([asnId], closed.GetProperty("expectedGoodsIn").EnumerateArray().Select(a => Text(a, "asnId")));
        await Refused(await elsewhere.GetAsync($"/api/v1/expected-goods-in/{asnId}"), HttpStatusCode.Forbidden, f.Centre);
        await stack.AssertInvariantsAsync(centres: [f.Centre, source]);
    }
}
