using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Transfers between centres, through the gateway: the receiving centre requests, the sending centre picks and ships in
/// ESD packaging, the receiving centre receives (partly, then closing with what is missing). Stock is in transit at the
/// sending centre meanwhile, a backorder waiting at the receiving centre is served on arrival, custody follows every
/// serial from centre to centre, and a refused step writes nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TransferFlowTests(TestStack stack)
{
    private sealed record Centres(Flow F, string To, HttpClient ToWarehouse, HttpClient ToSupervisor) : IDisposable
    {
        public void Dispose()
        {
            ToWarehouse.Dispose();
            ToSupervisor.Dispose();
            F.Dispose();
        }
    }

    /// <summary>The flow's centre (three serials in A-01) sends; a second centre, with bins B-01 and B-02 and no stock, receives.</summary>
    private async Task<Centres> TwoCentresAsync()
    {
        var f = await StockedAsync(stack);
        var to = "R-" + f.Id;
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{to}", new { name = "Receiving centre", bins = new[] { "B-01", "B-02" } }));
        return new Centres(f, to, await stack.RestAsAsync($"whr-{f.Id}", ["warehouse"], [to]), await stack.RestAsAsync($"supr-{f.Id}", ["supervisor"], [to]));
    }

    private static async Task<JsonElement> SendAsync(HttpClient by, string path, object body, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", key);
        return await Ok(await by.SendAsync(message));
    }

    private async Task<(long OnHand, long Reserved, long InTransit)> LevelAsync(Flow f, string centre)
    {
        var level = await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{centre}/stock/{f.Part}"));
        return (Number(level, "onHand"), Number(level, "reserved"), Number(level, "inTransit"));
    }

    private Task<(long, long, long)> LevelBecomesAsync(Flow f, string centre, (long, long, long) expected, string what) =>
        Eventually.Until(() => LevelAsync(f, centre), l => l == expected, Settle, $"{centre}: {expected} ({what})");

    private async Task<JsonElement> CustodyBecomesAsync(Flow f, string serial, string holder, string location) =>
        await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}")),
            s => Text(s, "holder") == holder && Text(s, "location") == location, Settle, $"custody: {serial} with {holder} at {location}");

    /// <summary>The request at the receiving centre, read by that centre's supervisor.</summary>
    private static Task<JsonElement> RequestBecomesAsync(Centres c, string requestId, string state) =>
        Eventually.Until(async () => await Ok(await c.ToSupervisor.GetAsync($"/api/v1/part-requests/{requestId}")),
            r => Text(r, "state") == state, Settle, $"request {requestId} {state}");

    [Fact]
    public async Task A_transfer_is_picked_shipped_in_esd_packaging_received_partly_and_serves_a_backorder_waiting_at_the_receiving_centre()
    {
        using var c = await TwoCentresAsync();
        var f = c.F;
        // A request at the receiving centre, which has none: it waits backordered.
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM requests.known_centres WHERE centre_id = $1", c.To) == 1,
            Settle, $"centre {c.To} known to requests");
        var requestId = Text(await Ok(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", new
        {
            ticketId = "TCK-T-" + f.Id, siteId = "SITE-" + f.Id, centreId = c.To, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4",
        })), "requestId");
        await RequestBecomesAsync(c, requestId, "Backordered");

        var requested = await SendAsync(c.ToWarehouse, $"/api/v1/centres/{c.To}/transfers",
            new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 2, note = "for " + requestId }, "req-" + f.Id);
        var id = Text(requested, "transferId");
        Assert.Equal(("Requested", f.Centre, c.To), (Text(requested, "state"), Text(requested, "fromCentreId"), Text(requested, "toCentreId")));
        // The sending centre sees it as outgoing, the receiving one as incoming.
        Assert.Equal([id], (await Ok(await f.Warehouse.GetAsync($"/api/v1/transfers?direction=outgoing"))).GetProperty("transfers").EnumerateArray().Select(t => Text(t, "transferId")));
        Assert.Equal([id], (await Ok(await c.ToWarehouse.GetAsync($"/api/v1/transfers?centreId={c.To}&direction=incoming"))).GetProperty("transfers").EnumerateArray().Select(t => Text(t, "transferId")));
        Assert.Empty((await Ok(await c.ToWarehouse.GetAsync($"/api/v1/transfers?centreId={c.To}&direction=outgoing"))).GetProperty("transfers").EnumerateArray());

        string[] picked = [f.Serials[0], f.Serials[1]];
        var pick = await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:pick", new { serials = picked }, "pick-" + f.Id);
        Assert.Equal("Picked", Text(pick, "state"));
        // The same key replays the first answer and reserves nothing more.
        Assert.Equal(pick.ToString(), (await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:pick", new { serials = picked }, "pick-" + f.Id)).ToString());
        await LevelBecomesAsync(f, f.Centre, (3, 2, 0), "picked: reserved at the sending centre");

        var shipped = await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:ship",
            new { carrier = "SF", trackingNumber = "SF-" + f.Id, esdPackaging = true }, "ship-" + f.Id);
        Assert.Equal("Shipped", Text(shipped, "state"));
        Assert.True(Flag(shipped, "esdPackaging"));
        Assert.Equal(picked, Strings(shipped, "inTransitSerials"));
        // In transit: at neither centre's disposal, shown as in transit by the sender and on the receiver's incoming transfer.
        await LevelBecomesAsync(f, f.Centre, (1, 0, 2), "shipped: in transit from the sending centre");
        Assert.Equal(picked, Strings((await Ok(await c.ToWarehouse.GetAsync($"/api/v1/transfers/{id}"))), "inTransitSerials"));
        await CustodyBecomesAsync(f, picked[0], "centre:" + c.To, $"in-transit:SF/SF-{f.Id}");

        // First receipt: one of the two, and a serial that was not shipped.
        var odd = "ODD-" + f.Id;
        var partly = await SendAsync(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", new { serials = new[] { picked[0], odd }, bin = "B-01" }, "rcv1-" + f.Id);
        Assert.Equal("PartlyReceived", Text(partly, "state"));
        Assert.Equal([picked[0]], Strings(partly, "receivedSerials"));
        Assert.Equal([odd], Strings(partly, "unexpectedSerials"));
        Assert.Equal([picked[1]], Strings(partly, "inTransitSerials"));
        // The arrival serves the backorder waiting at the receiving centre, as goods-in would.
        await LevelBecomesAsync(f, c.To, (1, 1, 0), "one received, reserved for the backorder");
        await LevelBecomesAsync(f, f.Centre, (1, 0, 1), "one still on the road");
        await RequestBecomesAsync(c, requestId, "Reserved");
        var custody = await CustodyBecomesAsync(f, picked[0], "centre:" + c.To, $"centre:{c.To}/bin:B-01");
        Assert.Equal("available", Text(custody, "disposition"));

        // Closing the receipt records the other serial missing; it stays in transit at the sending centre for an investigation.
        var closed = await SendAsync(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", new { serials = Array.Empty<string>(), final = true }, "rcv2-" + f.Id);
        Assert.Equal("Received", Text(closed, "state"));
        Assert.Equal([picked[1]], Strings(closed, "missingSerials"));
        Assert.Empty(Strings(closed, "inTransitSerials"));
        await Refused(await c.ToWarehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:receive", new { serials = new[] { picked[1] }, bin = "B-01" }),
            HttpStatusCode.BadRequest, "Received");

        var history = await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{picked[0]}/custody"));
        Assert.Equal(["receiving", "shipping", "receiving"], history.GetProperty("events").EnumerateArray().Select(e => Text(e, "businessStep")));
        Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE reference = $1 AND kind = 'transfer-shipped'", id));
        await stack.AssertInvariantsAsync(centres: [f.Centre, c.To]);
    }

    [Fact]
    public async Task Refused_steps_name_the_field_or_the_centre_and_change_nothing_and_a_picked_transfer_is_cancelled()
    {
        using var c = await TwoCentresAsync();
        var f = c.F;
        async Task<string> Snapshot() =>
            $"{await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.transfers WHERE to_centre_id = $1", c.To)}|" +
            $"{await stack.ScalarAsync<string>("SELECT string_agg(state || ':' || jsonb_array_length(document->'history'), ',') FROM inventory.transfers WHERE to_centre_id = $1", c.To)}|" +
            $"{await LevelAsync(f, f.Centre)}|{await LevelAsync(f, c.To)}|" +
            $"{await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE centre_id IN ($1, $2)", f.Centre, c.To)}";
        var request = $"/api/v1/centres/{c.To}/transfers";
        var before = await Snapshot();

        await Refused(await c.ToWarehouse.PostAsJsonAsync(request, new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 0 }), HttpStatusCode.BadRequest, "quantity");
        await Refused(await c.ToWarehouse.PostAsJsonAsync(request, new { fromCentreId = c.To, partNumber = f.Part, quantity = 1 }), HttpStatusCode.BadRequest, "from_centre_id");
        await Refused(await c.ToWarehouse.PostAsJsonAsync(request, new { fromCentreId = "NO-SUCH-" + f.Id, partNumber = f.Part, quantity = 1 }), HttpStatusCode.NotFound, "NO-SUCH");
        await Refused(await c.ToWarehouse.PostAsJsonAsync(request, new { fromCentreId = f.Centre, partNumber = "", quantity = 1 }), HttpStatusCode.BadRequest, "part_number");
        // The sending centre's warehouse cannot ask on the receiving centre's behalf; an engineer cannot at all.
        await Refused(await f.Warehouse.PostAsJsonAsync(request, new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 1 }), HttpStatusCode.Forbidden, c.To);
        await Refused(await f.Eng.PostAsJsonAsync(request, new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 1 }), HttpStatusCode.Forbidden);
        Assert.Equal(before, await Snapshot());

        // A supervisor of the receiving centre may request.
        var id = Text(await Ok(await c.ToSupervisor.PostAsJsonAsync(request, new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 2 })), "transferId");
        before = await Snapshot();
        var pick = $"/api/v1/transfers/{id}:pick";
        await Refused(await f.Warehouse.PostAsJsonAsync(pick, new { serials = new[] { f.Serials[0] } }), HttpStatusCode.BadRequest, "serials");
        await Refused(await f.Warehouse.PostAsJsonAsync(pick, new { serials = new[] { f.Serials[0], "NOT-HERE-" + f.Id } }), HttpStatusCode.BadRequest, "serials");
        await Refused(await f.Warehouse.PostAsJsonAsync(pick, new { serials = new[] { f.Serials[0], "bad serial" } }), HttpStatusCode.BadRequest, "serials");
        await Refused(await c.ToWarehouse.PostAsJsonAsync(pick, new { serials = new[] { f.Serials[0], f.Serials[1] } }), HttpStatusCode.Forbidden, f.Centre);
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:ship", new { carrier = "SF", trackingNumber = "T", esdPackaging = true }),
            HttpStatusCode.BadRequest, "Requested");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:cancel", new { reason = "" }), HttpStatusCode.BadRequest, "reason");
        Assert.Equal(before, await Snapshot());

        await Ok(await f.Warehouse.PostAsJsonAsync(pick, new { serials = new[] { f.Serials[0], f.Serials[1] } }));
        await LevelBecomesAsync(f, f.Centre, (3, 2, 0), "picked");
        var ship = $"/api/v1/transfers/{id}:ship";
        await Refused(await f.Warehouse.PostAsJsonAsync(ship, new { carrier = "SF", trackingNumber = "T-1", esdPackaging = false }), HttpStatusCode.BadRequest, "esd_packaging");
        await Refused(await f.Warehouse.PostAsJsonAsync(ship, new { carrier = "SF", esdPackaging = true }), HttpStatusCode.BadRequest, "tracking_number");
        await Refused(await c.ToWarehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:receive", new { serials = new[] { f.Serials[0] }, bin = "B-01" }),
            HttpStatusCode.BadRequest, "Picked");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:receive", new { serials = new[] { f.Serials[0] }, bin = "B-01" }),
            HttpStatusCode.Forbidden, c.To);
        await Refused(await c.ToWarehouse.GetAsync($"/api/v1/transfers?centreId={f.Centre}"), HttpStatusCode.Forbidden, f.Centre);
        await Refused(await c.ToWarehouse.GetAsync($"/api/v1/transfers?direction=sideways"), HttpStatusCode.BadRequest, "direction");
        await LevelBecomesAsync(f, f.Centre, (3, 2, 0), "refusals moved nothing");

        // The receiving centre's supervisor cancels before it ships: the picked units are available again.
        var cancelled = await Ok(await c.ToSupervisor.PostAsJsonAsync($"/api/v1/transfers/{id}:cancel", new { reason = "found one locally" }));
        Assert.Equal("Cancelled", Text(cancelled, "state"));
        await LevelBecomesAsync(f, f.Centre, (3, 0, 0), "cancelled: released");
        await Refused(await f.Warehouse.PostAsJsonAsync(ship, new { carrier = "SF", trackingNumber = "T-1", esdPackaging = true }), HttpStatusCode.BadRequest, "Cancelled");
        await stack.AssertInvariantsAsync(centres: [f.Centre, c.To]);
    }

    [Fact]
    public async Task Units_tracked_by_quantity_are_picked_by_count_shipped_received_short_and_the_rest_left_in_transit()
    {
        using var c = await TwoCentresAsync();
        var f = c.F;
        var cable = "CBL-" + f.Id;
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{cable}", new { description = "Fibre cable", serialized = false, unit = "pcs" }));
        await SendAsync(f.Warehouse, $"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = cable, bin = "A-01", quantity = 10 }, "gi-q-" + f.Id);
        async Task<(long, long, long)> CableAsync(string centre)
        {
            var level = await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{centre}/stock/{cable}"));
            return (Number(level, "onHand"), Number(level, "reserved"), Number(level, "inTransit"));
        }
        Task<(long, long, long)> CableBecomesAsync(string centre, (long, long, long) expected, string what) =>
            Eventually.Until(() => CableAsync(centre), l => l == expected, Settle, $"{centre}: {expected} ({what})");

        var id = Text(await SendAsync(c.ToWarehouse, $"/api/v1/centres/{c.To}/transfers", new { fromCentreId = f.Centre, partNumber = cable, quantity = 6 }, "rq-q-" + f.Id),
            "transferId");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/transfers/{id}:pick", new { quantity = 5 }), HttpStatusCode.BadRequest, "quantity");
        var picked = await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:pick", new { quantity = 6 }, "pick-q-" + f.Id);
        Assert.Equal("Picked", Text(picked, "state"));
        await CableBecomesAsync(f.Centre, (10, 6, 0), "picked: reserved at the sending centre");
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:ship", new { carrier = "SF", trackingNumber = "SFQ-" + f.Id, esdPackaging = true }, "ship-q-" + f.Id);
        await CableBecomesAsync(f.Centre, (4, 0, 6), "shipped: in transit from the sending centre");

        // Four arrive (a part request is for serialized parts only, so no backorder waits here; the transfer script serves
        // quantity backorders as goods-in does, tested in the service's tests); two are still on the road.
        var partly = await SendAsync(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", new { quantity = 4, bin = "B-01" }, "rcv-q1-" + f.Id);
        Assert.Equal(("PartlyReceived", 4L, 2L), (Text(partly, "state"), Number(partly, "receivedQuantity"), Number(partly, "inTransitQuantity")));
        await CableBecomesAsync(c.To, (4, 0, 0), "four received");
        await CableBecomesAsync(f.Centre, (4, 0, 2), "two still on the road");

        // Closed short: the other two are missing and stay in transit at the sending centre.
        var closed = await SendAsync(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", new { final = true }, "rcv-q2-" + f.Id);
        Assert.Equal(("Received", 2L), (Text(closed, "state"), Number(closed, "missingQuantity")));
        await CableBecomesAsync(f.Centre, (4, 0, 2), "the missing two stay in transit");
        await Eventually.Until(() => stack.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0) FROM inventory.movements WHERE reference = $1 AND kind = 'transfer-shipped'", id),
            n => n == 6, Settle, "one transfer-shipped movement of 6 in the ledger");
        await stack.AssertInvariantsAsync(centres: [f.Centre, c.To]);
    }
}
