using System.Net;
using System.Net.Http.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Part requests and receipts through the gateway with every service and sidecar running: request → approve →
/// reserved → ship → sign → install, with the centre's stock checked at each step, and every refusal with the
/// request left as it was.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PartRequestFlowTests(TestStack stack)
{
    [Fact]
    public async Task Request_ship_sign_and_install_move_the_stock_and_publish_the_swap()
    {
        using var f = await StockedAsync(stack);
        Assert.Equal((3, 0, 3, 0, 0, 0), await f.StockAsync());

        var submitted = await f.SubmitAsync();
        var id = Text(submitted, "requestId");
        Assert.True(Flag(submitted, "autoApproved"));
        Assert.Equal(f.Engineer, Text(submitted, "engineerId"));
        Assert.NotEqual("", Text(submitted, "shipBy"));

        await f.RequestInStateAsync(id, "Reserved");
        await f.StockBecomesAsync((3, 1, 2, 0, 0, 0), "reserved for the request");

        var serial = f.Serials[0];
        var shipped = await f.ShipAsync(id, serial);
        Assert.Equal("Shipped", Text(shipped, "state"));
        Assert.Equal([serial], Strings(shipped.GetProperty("shipment"), "serials"));
        await f.StockBecomesAsync((2, 0, 2, 1, 0, 0), "shipped: on the way to the engineer");

        var receipt = await Eventually.Until(async () => await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [serial])),
            r => r.IsSuccessStatusCode, Settle, "the receipt signed once receipts knows the shipment");
        var signed = await Ok(receipt);
        Assert.Equal(f.Engineer, Text(signed, "receivedBy"));
        Assert.Equal([serial], Strings(signed, "acceptedSerials"));
        var delivered = await f.RequestInStateAsync(id, "Delivered");
        Assert.Equal([serial], Strings(delivered, "deliveredSerials"));
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "delivered: no longer in transit");

        var installed = await f.InstallAsync(id, serial, "FAULTY-" + f.Id);
        Assert.Equal("Installed", Text(installed, "state"));
        Assert.Equal("FAULTY-" + f.Id, Text(installed.GetProperty("installation"), "removedSerial"));
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
                "SELECT count(*) FROM requests.outbox WHERE topic = 'part-installed' AND payload->>'requestId' = $1 AND published_at IS NOT NULL", id) == 1,
            Settle, "PartInstalled published once");
        Assert.Equal((2, 0, 2, 0, 0, 0), await f.StockAsync());
    }

    [Fact]
    public async Task A_partial_delivery_keeps_the_rest_in_transit_and_a_serial_not_shipped_is_a_recorded_discrepancy()
    {
        using var f = await StockedAsync(stack);
        var id = await f.ReservedRequestAsync(quantity: 2);
        await f.ShipAsync(id, f.Serials[0], f.Serials[1]);
        await f.StockBecomesAsync((1, 0, 1, 2, 0, 0), "two in transit");

        await Eventually.Until(async () => (await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [f.Serials[0]]))).IsSuccessStatusCode,
            Settle, "the first unit signed for");
        var partial = await Eventually.Until(() => f.RequestAsync(id), r => Strings(r, "deliveredSerials").Count == 1, Settle, "one unit delivered");
        Assert.Equal("Shipped", Text(partial, "state"));
        Assert.Equal([f.Serials[1]], Strings(partial, "outstandingSerials"));
        await f.StockBecomesAsync((1, 0, 1, 1, 0, 0), "the rest still in transit");

        // The second box holds the other shipped unit and one that was never shipped on this request.
        var stranger = "SN-NOT-SHIPPED-" + f.Id;
        var second = await Ok(await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [f.Serials[1], stranger], condition: "wrong-part")));
        Assert.Equal([f.Serials[1]], Strings(second, "acceptedSerials"));
        Assert.Equal(stranger, Text(second.GetProperty("discrepancies")[0], "serial"));
        var delivered = await f.RequestInStateAsync(id, "Delivered");
        Assert.Equal([f.Serials[0], f.Serials[1]], Strings(delivered, "deliveredSerials").Order(StringComparer.Ordinal));
        await f.StockBecomesAsync((1, 0, 1, 0, 0, 0), "both delivered");

        var receipts = await Ok(await f.Eng.GetAsync($"/api/v1/receipts?reference={id}"));
        Assert.Equal(2, receipts.GetProperty("receipts").GetArrayLength());
    }

    [Fact]
    public async Task A_unit_reported_missing_is_a_discrepancy_that_lets_the_request_complete()
    {
        using var f = await StockedAsync(stack);
        var id = await f.ReservedRequestAsync(quantity: 2);
        await f.ShipAsync(id, f.Serials[0], f.Serials[1]);
        await Eventually.Until(async () => (await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [f.Serials[0]]))).IsSuccessStatusCode,
            Settle, "the first unit signed for");
        var missing = await Ok(await f.Eng.PostAsJsonAsync("/api/v1/receipts",
            new { kind = "centre-to-engineer", reference = id, serials = new[] { f.Serials[1] }, quantity = 0, packaging = new { outerIntact = true, esdBagSealed = true }, condition = "missing", note = "box 2 of 2 not delivered" }));
        Assert.Equal([f.Serials[1]], Strings(missing, "missingSerials"));
        var delivered = await f.RequestInStateAsync(id, "Delivered");
        Assert.Equal([f.Serials[1]], Strings(delivered, "discrepancySerials"));
    }

    [Fact]
    public async Task Above_quota_a_supervisor_other_than_the_requester_approves_and_cancelling_releases_the_reservation()
    {
        using var f = await StockedAsync(stack);
        var submitted = await f.SubmitAsync(quantity: 3);
        var id = Text(submitted, "requestId");
        Assert.Equal("Submitted", Text(submitted, "state"));
        Assert.Contains("quantity 3", Text(submitted, "awaitingApprovalBecause"));
        // The same reason as data, for a client to say in its own language.
        var hold = Assert.Single(submitted.GetProperty("approvalHolds").EnumerateArray());
        Assert.Equal(("quantity-above-automatic", 3L, 2L), (Text(hold, "code"), Number(hold, "value"), Number(hold, "limit")));

        // A supervisor who is also the requester cannot approve their own request.
        using var engineerSupervisor = await stack.RestAsAsync(f.Engineer, ["engineer", "supervisor"], [f.Centre]);
        await Refused(await engineerSupervisor.PostAsJsonAsync($"/api/v1/part-requests/{id}:approve", new { }), HttpStatusCode.Forbidden, "own");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:approve", new { }), HttpStatusCode.Forbidden);
        Assert.Equal("Submitted", Text(await f.RequestAsync(id), "state"));

        var approved = await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/part-requests/{id}:approve", new { }));
        Assert.Equal(f.Supervisor, Text(approved, "approvedBy"));
        await f.RequestInStateAsync(id, "Reserved");
        await f.StockBecomesAsync((3, 3, 0, 0, 0, 0), "all three reserved");

        var cancelled = await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:cancel", new { reason = "fixed by a reboot" }));
        Assert.Equal("Cancelled", Text(cancelled, "state"));
        await f.StockBecomesAsync((3, 0, 3, 0, 0, 0), "released");

        var rejectedId = Text(await f.SubmitAsync(quantity: 3), "requestId");
        await Refused(await f.Sup.PostAsJsonAsync($"/api/v1/part-requests/{rejectedId}:reject", new { reason = "" }), HttpStatusCode.BadRequest, "reason");
        var rejected = await Ok(await f.Sup.PostAsJsonAsync($"/api/v1/part-requests/{rejectedId}:reject", new { reason = "use the spare on site" }));
        Assert.Equal("Rejected", Text(rejected, "state"));
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.outbox WHERE topic = 'part-request-approved' AND payload->>'requestId' = $1", rejectedId));
    }

    [Fact]
    public async Task A_request_for_more_than_is_in_stock_waits_backordered_until_goods_arrive()
    {
        using var f = await StockedAsync(stack, units: 0);
        var id = Text(await f.SubmitAsync(quantity: 1), "requestId");
        await f.RequestInStateAsync(id, "Backordered");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = f.Part, bin = "A-02", serials = new[] { "LATE-" + f.Id } }));
        await f.RequestInStateAsync(id, "Reserved");
        await f.StockBecomesAsync((1, 1, 0, 0, 0, 0), "the late unit reserved for the backorder");
        // Each answer requests recorded went out for the console, in the transaction that recorded it, in that order.
        Assert.Equal("backordered,reserved", await stack.ScalarAsync<string>(
            "SELECT string_agg(payload->>'state', ',' ORDER BY id) FROM requests.outbox WHERE topic = 'part-request-reservation-changed' AND payload->>'requestId' = $1", id));
        await f.ShipAsync(id, "LATE-" + f.Id);
    }

    [Fact]
    public async Task An_answer_that_does_not_apply_to_the_request_changes_nothing_whenever_it_arrives()
    {
        using var f = await StockedAsync(stack, units: 0);
        var id = Text(await f.SubmitAsync(quantity: 1), "requestId");
        await f.RequestInStateAsync(id, "Backordered");

        // Another centre's reservation with the same reference, and a release, change nothing.
        await AnswerAsync(f, id, "reserved", centre: "OTHER-" + f.Centre, eventId: "other-centre-" + f.Id);
        await AnswerAsync(f, id, "released", centre: f.Centre, eventId: "released-" + f.Id);
        await f.RequestInStateAsync(id, "Backordered");

        // The real answer, then a late "backordered" that was overtaken: it stays Reserved and says so once.
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = f.Part, bin = "A-02", serials = new[] { "LATE-" + f.Id } }));
        await f.RequestInStateAsync(id, "Reserved");
        await AnswerAsync(f, id, "backordered", centre: f.Centre, eventId: "late-" + f.Id);
        await f.RequestInStateAsync(id, "Reserved");
        Assert.Equal("backordered,reserved", await stack.ScalarAsync<string>(
            "SELECT string_agg(payload->>'state', ',' ORDER BY id) FROM requests.outbox WHERE topic = 'part-request-reservation-changed' AND payload->>'requestId' = $1", id));
    }

    /// <summary>Publishes an answer as inventory would and waits until requests has taken it in (its inbox holds the id).</summary>
    private async Task AnswerAsync(Flow f, string requestId, string state, string centre, string eventId)
    {
        var answer = new Logistics.Events.V1.StockReservationChanged
        {
            ReservationId = $"{centre}.{requestId}", Sequence = 1, CentreId = centre, PartNumber = f.Part, State = state, Quantity = 1,
            Reference = requestId, OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
        };
        using var dapr = stack.SidecarOf(stack.PublisherOf(Logistics.Events.V1.EventTopics.StockReservationChanged));
        await dapr.PublishEventAsync(stack.Stack.Layout.PubsubName, Logistics.Events.V1.EventTopics.StockReservationChanged,
            System.Text.Json.JsonDocument.Parse(Google.Protobuf.JsonFormatter.Default.Format(answer)).RootElement,
            new Dictionary<string, string> { ["cloudevent.id"] = eventId });
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId) == 1,
            Settle, $"requests to take in {state} from {centre}");
    }

    [Fact]
    public async Task Every_refusal_names_the_problem_and_leaves_the_request_as_it_was()
    {
        using var f = await StockedAsync(stack);
        var id = await f.ReservedRequestAsync();
        var before = await f.RequestAsync(id);
        long Outbox(string topic) => stack.ScalarAsync<long>("SELECT count(*) FROM requests.outbox WHERE topic = $1 AND payload->>'requestId' = $2", topic, id).Result;

        // Wrong role, another engineer's request.
        await Refused(await f.Warehouse.PostAsJsonAsync("/api/v1/part-requests", new { ticketId = "T", siteId = "S", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4" }), HttpStatusCode.Forbidden);
        await Refused(await f.OtherEng.GetAsync($"/api/v1/part-requests/{id}"), HttpStatusCode.Forbidden);
        await Refused(await f.OtherEng.PostAsJsonAsync($"/api/v1/part-requests/{id}:cancel", new { }), HttpStatusCode.Forbidden);
        await Refused(await f.OtherEng.GetAsync($"/api/v1/part-requests?engineerId={f.Engineer}"), HttpStatusCode.Forbidden);
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { f.Serials[0] }, packaging = EsdPackaging(), carrier = "SF", trackingNo = "T1" }), HttpStatusCode.Forbidden);

        // Shipping without the ESD packaging confirmed, field by field.
        async Task ShipRefused(object packaging, string named) => await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship",
            new { serials = new[] { f.Serials[0] }, packaging, carrier = "SF", trackingNo = "T1" }), HttpStatusCode.BadRequest, named);
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { f.Serials[0] }, carrier = "SF", trackingNo = "T1" }), HttpStatusCode.BadRequest, "packaging");
        await ShipRefused(new { esdBagSealed = false, sealedWith = "tape", esdSymbol = true, packageId = "P" }, "esd_bag_sealed");
        await ShipRefused(new { esdBagSealed = true, sealedWith = "staples", esdSymbol = true, packageId = "P" }, "staples");
        await ShipRefused(new { esdBagSealed = true, sealedWith = "tape", esdSymbol = false, packageId = "P" }, "esd_symbol");
        await ShipRefused(new { esdBagSealed = true, sealedWith = "tape", esdSymbol = true, packageId = "" }, "package_id");
        // Serials: not on hand here, too many, and a carrier and tracking number are required.
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { "NOT-HERE-1" }, packaging = EsdPackaging(), carrier = "SF", trackingNo = "T1" }), HttpStatusCode.BadRequest, "NOT-HERE-1");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { f.Serials[0], f.Serials[1] }, packaging = EsdPackaging(), carrier = "SF", trackingNo = "T1" }), HttpStatusCode.BadRequest, "serials");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { f.Serials[0] }, packaging = EsdPackaging(), carrier = "", trackingNo = "T1" }), HttpStatusCode.BadRequest, "carrier");
        // Install before delivery.
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:install", new { installedSerial = f.Serials[0], removedSerial = "OLD-1", equipmentId = "EQ-1" }), HttpStatusCode.BadRequest, "Reserved");

        var after = await f.RequestAsync(id);
        Assert.Equal(before.ToString(), after.ToString());
        Assert.Equal(0, Outbox("part-request-shipped"));
        Assert.Equal(0, Outbox("part-request-cancelled"));

        // Bad fields on a new request write nothing.
        var rows = await stack.ScalarAsync<long>("SELECT count(*) FROM requests.part_requests");
        async Task SubmitRefused(object body, string named) => await Refused(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", body), HttpStatusCode.BadRequest, named);
        await SubmitRefused(new { ticketId = "T", siteId = "S", centreId = f.Centre, partNumber = f.Part, quantity = 0, serviceLevel = "7x24x4" }, "quantity");
        await SubmitRefused(new { ticketId = "T", siteId = "S", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "whenever" }, "service_level");
        await SubmitRefused(new { ticketId = "", siteId = "S", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4" }, "ticket_id");
        await SubmitRefused(new { ticketId = "T", siteId = "", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4" }, "site_id");
        await Refused(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", new { ticketId = "T", siteId = "S", centreId = f.Centre, partNumber = "NO-SUCH-PART", quantity = 1, serviceLevel = "7x24x4" }), HttpStatusCode.NotFound, "NO-SUCH-PART");
        Assert.Equal(rows, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.part_requests"));

        // After shipping: no cancel, no second shipment; signing: only the addressed engineer, only once, only shipped serials.
        await f.ShipAsync(id, f.Serials[0]);
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:cancel", new { }), HttpStatusCode.BadRequest, "Shipped");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{id}:ship", new { serials = new[] { f.Serials[1] }, packaging = EsdPackaging(), carrier = "SF", trackingNo = "T2" }), HttpStatusCode.BadRequest, "Shipped");
        await Eventually.Until(async () => (await f.Eng.GetAsync($"/api/v1/receipts?reference={id}")).IsSuccessStatusCode, Settle, "receipts answers");
        await Eventually.Until(async () => (await f.OtherEng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [f.Serials[0]]))).StatusCode == HttpStatusCode.Forbidden,
            Settle, "another engineer refused once receipts knows the shipment");
        await f.SignDeliveryAsync(id, f.Serials[0]);
        await Refused(await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [f.Serials[0]])), HttpStatusCode.BadRequest, "twice");
        Assert.Single((await Ok(await f.Eng.GetAsync($"/api/v1/receipts?reference={id}"))).GetProperty("receipts").EnumerateArray());
        await f.RequestInStateAsync(id, "Delivered");

        // Install: only what was delivered to this engineer, only by them.
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:install", new { installedSerial = f.Serials[1], removedSerial = "OLD-1", equipmentId = "EQ-1" }), HttpStatusCode.BadRequest, f.Serials[1]);
        await Refused(await f.OtherEng.PostAsJsonAsync($"/api/v1/part-requests/{id}:install", new { installedSerial = f.Serials[0], removedSerial = "OLD-1", equipmentId = "EQ-1" }), HttpStatusCode.Forbidden);
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/part-requests/{id}:install", new { installedSerial = f.Serials[0], removedSerial = "", equipmentId = "EQ-1" }), HttpStatusCode.BadRequest, "removed_serial");
        Assert.Equal("Delivered", Text(await f.RequestAsync(id), "state"));
        Assert.Equal(0, Outbox("part-installed"));
    }

    [Fact]
    public async Task A_retried_submit_with_the_same_idempotency_key_makes_one_request()
    {
        using var f = await StockedAsync(stack);
        var body = new { ticketId = "TCK-" + f.Id, siteId = "SITE-1", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "5x9xNBD" };
        async Task<string> Send()
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/part-requests") { Content = JsonContent.Create(body) };
            message.Headers.Add("Idempotency-Key", "submit-" + f.Id);
            return Text(await Ok(await f.Eng.SendAsync(message)), "requestId");
        }
        var first = await Send();
        Assert.Equal(first, await Send());
        Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.part_requests WHERE engineer_id = $1", f.Engineer));
        await f.RequestInStateAsync(first, "Reserved");
        await f.StockBecomesAsync((3, 1, 2, 0, 0, 0), "reserved once");
    }
}
