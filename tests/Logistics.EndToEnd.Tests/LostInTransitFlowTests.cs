using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Lost in transit, through the gateway (docs/lost-in-transit.md): a shipment nobody signs for (or whose serial the
/// engineer reported missing) two days after its deliver-by opens an investigation by itself; signed for late it closes as found; otherwise a carrier claim is filed,
/// another supervisor approves the write-off, the unit leaves transit as lost and custody records it with nobody; the
/// part request ends LostInTransit and the engineer asks again for it, once.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LostInTransitFlowTests(TestStack stack)
{
    /// <summary>Past deliver-by (7x24x4: submit + 4 h) and the two days' grace.</summary>
    private static readonly TimeSpan PastGrace = TimeSpan.FromDays(2) + TimeSpan.FromHours(5);

    private static async Task<JsonElement> InvestigationAsync(Flow f, string requestId) =>
        await Ok(await f.Dm.GetAsync($"/api/v1/transit-investigations/TI-{requestId}"));

    private static async Task<JsonElement> InvestigationInStateAsync(Flow f, string requestId, string state)
    {
        try
        {
            return await Eventually.Until(async () =>
            {
                var response = await f.Dm.GetAsync($"/api/v1/transit-investigations/TI-{requestId}");
                return response.IsSuccessStatusCode ? await Ok(response) : default;
            }, i => i.ValueKind == JsonValueKind.Object && Text(i, "state") == state, Settle, $"investigation of {requestId} {state}");
        }
        catch (TimeoutException e)
        {
            // What the watch saw: the shipment's deliver-by, whether it is on the watch list, and the stack's clock offset.
            var facts = await f.Stack.ScalarAsync<string>(
                """
                SELECT concat('deliver_by=', s.deliver_by, ' watched=', coalesce(w.units::text, 'no'), ' receipts=',
                       (SELECT count(*) FROM receipts.receipts r WHERE r.reference = s.reference),
                       ' request_deliver_by=', (SELECT p.deliver_by FROM requests.part_requests p WHERE p.request_id = s.reference),
                       ' submitted_at=', (SELECT p.submitted_at FROM requests.part_requests p WHERE p.request_id = s.reference), ' db_now=', now())
                FROM receipts.shipments s LEFT JOIN receipts.transit_watch w ON w.reference = s.reference WHERE s.reference = $1
                """, requestId);
            throw new TimeoutException($"{e.Message} ({facts}; clock offset {f.Stack.ClockOffset})", e);
        }
    }

    private static async Task<string> ShippedAsync(Flow f)
    {
        var id = await f.ReservedRequestAsync();
        await f.ShipAsync(id, await f.FreeSerialAsync());
        // Receipts knows the shipment once the event arrived; until then there is nothing to watch.
        await Eventually.Until(async () => await f.Stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1 AND deliver_by IS NOT NULL", id) == 1,
            Settle, $"receipts knows the shipment of {id} and its deliver-by");
        return id;
    }

    private static HttpRequestMessage Post(string path, object body, string key) =>
        new(HttpMethod.Post, path) { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } } };

    [Fact]
    public async Task An_overdue_shipment_is_investigated_found_when_signed_late_and_another_written_off_as_lost()
    {
        var f = await StockedAsync(stack);
        using var _ = f;
        var found = await ShippedAsync(f);
        var lost = await ShippedAsync(f);
        var lostSerial = await ShippedSerialAsync(lost);
        var foundSerial = await ShippedSerialAsync(found);
        await f.StockBecomesAsync((1, 0, 1, 2, 0, 0), "two shipped");
        Assert.Equal(HttpStatusCode.NotFound, (await f.Dm.GetAsync($"/api/v1/transit-investigations/TI-{found}")).StatusCode);

        var moved = TimeSpan.Zero;
        try
        {
            moved = stack.MoveClock(PastGrace);
            var opened = await InvestigationInStateAsync(f, found, "Open");
            await InvestigationInStateAsync(f, lost, "Open");
            Assert.Equal((f.Centre, f.Engineer), (Text(opened, "centreId"), Text(opened, "engineerId")));
            Assert.Equal([foundSerial], Strings(opened, "serials"));
            var listed = await Ok(await f.Sup.GetAsync($"/api/v1/transit-investigations?centreId={f.Centre}"));
            Assert.Equal(new[] { $"TI-{found}", $"TI-{lost}" }.Order(), listed.GetProperty("investigations").EnumerateArray().Select(i => Text(i, "investigationId")).Order());
            await Refused(await f.Eng.GetAsync("/api/v1/transit-investigations"), HttpStatusCode.Forbidden);

            // Signed for late: found, closed by itself.
            await f.SignDeliveryAsync(found, foundSerial);
            var closed = await InvestigationInStateAsync(f, found, "Found");
            Assert.StartsWith("RC-", Text(closed, "foundReceiptId"));
            await f.RequestInStateAsync(found, "Delivered");

            // Refusals change nothing: no claim reference, an engineer, a supervisor approving before a proposal.
            var before = (await InvestigationAsync(f, lost)).ToString();
            await Refused(await f.Warehouse.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:propose-loss", new { note = "no scan since the hub" }, $"p0-{f.Id}")),
                HttpStatusCode.BadRequest, "carrier_claim_reference");
            await Refused(await f.Eng.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:propose-loss", new { carrierClaimReference = "CLM-1" }, $"p1-{f.Id}")),
                HttpStatusCode.Forbidden);
            await Refused(await f.Sup.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:approve-write-off", new { }, $"a0-{f.Id}")),
                HttpStatusCode.BadRequest, "only a proposed loss");
            await Refused(await f.Dm.SendAsync(Post($"/api/v1/transit-investigations/TI-{found}:propose-loss", new { carrierClaimReference = "CLM-1" }, $"p2-{f.Id}")),
                HttpStatusCode.BadRequest, "Found");
            Assert.Equal(before, (await InvestigationAsync(f, lost)).ToString());

            // A supervisor who is also warehouse staff proposes; they cannot approve their own proposal; another supervisor does.
            using var both = await stack.RestAsAsync($"ws-{f.Id}", ["warehouse", "supervisor"], [f.Centre]);
            var claim = $"SF-CLM-{f.Id}";
            var proposed = await Ok(await both.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:propose-loss",
                new { carrierClaimReference = claim, note = "no scan since the hub" }, $"p3-{f.Id}")));
            Assert.Equal(("LossProposed", claim, $"ws-{f.Id}"), (Text(proposed, "state"), Text(proposed, "carrierClaimReference"), Text(proposed, "proposedBy")));
            // The same key again answers the first answer, and changes nothing.
            Assert.Equal(proposed.ToString(), (await Ok(await both.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:propose-loss",
                new { carrierClaimReference = claim, note = "no scan since the hub" }, $"p3-{f.Id}")))).ToString());
            await Refused(await both.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:approve-write-off", new { }, $"a1-{f.Id}")),
                HttpStatusCode.Forbidden, "another supervisor");
            Assert.Equal(proposed.ToString(), (await InvestigationAsync(f, lost)).ToString());
            await f.StockBecomesAsync((1, 0, 1, 1, 0, 0), "the lost one still in transit until approved");

            var written = await Ok(await f.Sup2.SendAsync(Post($"/api/v1/transit-investigations/TI-{lost}:approve-write-off", new { }, $"a2-{f.Id}")));
            Assert.Equal(("WrittenOff", $"sup2-{f.Id}"), (Text(written, "state"), Text(written, "approvedBy")));

            // Stock is conserved: 3 in = 1 on hand + 1 delivered + 1 lost; nothing in transit any more.
            await f.StockBecomesAsync((1, 0, 1, 0, 0, 0), "the lost unit left transit");
            // The ledger row follows the stock level: the movement relay copies it to Postgres a moment later.
            await Eventually.Until(() => stack.ScalarAsync<long>(
                "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'lost-in-transit' AND reference = $2 AND $3 = ANY (serials)", f.Centre, lost, lostSerial),
                n => n == 1, Settle, "one lost-in-transit movement in the ledger");
            var custody = await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{lostSerial}")),
                s => Text(s, "holder") == "lost" && Text(s, "disposition") == "lost", Settle, $"custody: {lostSerial} lost");
            Assert.Equal("lost", Text(custody, "location"));

            // A written-off shipment can no longer be signed for.
            await Refused(await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", lost, [lostSerial])), HttpStatusCode.BadRequest, "written off as lost");

            // The request ends LostInTransit (requests follows the write-off); the engineer asks again for it, once.
            var lostRequest = await f.RequestInStateAsync(lost, "LostInTransit");
            Assert.Equal($"TI-{lost}", Text(lostRequest, "lostInTransitInvestigationId"));
            var again = new { ticketId = "TCK-" + f.Id, siteId = "SITE-" + f.Id, centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4", replacesRequestId = lost };
            var replacement = await Ok(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", again));
            Assert.Equal(lost, Text(replacement, "replacesRequestId"));
            Assert.Equal(Text(replacement, "requestId"), Text(await f.RequestAsync(lost), "replacedByRequestId"));
            await Refused(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", again), HttpStatusCode.BadRequest, "already replaced");
            await stack.AssertInvariantsAsync(centres: [f.Centre]);
        }
        finally
        {
            stack.MoveClock(-moved);
        }
    }

    [Fact]
    public async Task A_serial_the_engineer_reported_missing_is_investigated_and_written_off_and_the_request_is_lost_in_transit()
    {
        var f = await StockedAsync(stack);
        using var _ = f;
        var id = await ShippedAsync(f);
        var serial = await ShippedSerialAsync(id);
        // The engineer opens the box and the part is not there: a receipt that reports it missing.
        await Ok(await f.Eng.PostAsJsonAsync("/api/v1/receipts", new
        {
            kind = "centre-to-engineer", reference = id, serials = new[] { serial }, quantity = 0, packaging = new { outerIntact = true, esdBagSealed = true },
            condition = "missing", note = "the box was empty",
        }));
        // Requests records the serial as a discrepancy; nothing arrived, so the request is not Delivered: it stays Shipped.
        var reported = await Eventually.Until(() => f.RequestAsync(id), r => Strings(r, "discrepancySerials").Contains(serial), Settle, "the serial a discrepancy");
        Assert.Equal("Shipped", Text(reported, "state"));
        await f.StockBecomesAsync((2, 0, 2, 1, 0, 0), "the missing unit is still in transit");

        var moved = TimeSpan.Zero;
        try
        {
            moved = stack.MoveClock(PastGrace);
            // A receipt was made, yet the unit is not accounted for: the watch investigates it.
            var opened = await InvestigationInStateAsync(f, id, "Open");
            Assert.Equal([serial], Strings(opened, "serials"));
            Assert.Equal((1, 1), (opened.GetProperty("quantity").GetInt32(), opened.GetProperty("shippedQuantity").GetInt32()));

            await Ok(await f.Dm.SendAsync(Post($"/api/v1/transit-investigations/TI-{id}:propose-loss", new { carrierClaimReference = $"CLM-M-{f.Id}" }, $"pm-{f.Id}")));
            await Ok(await f.Sup2.SendAsync(Post($"/api/v1/transit-investigations/TI-{id}:approve-write-off", new { }, $"am-{f.Id}")));

            await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "the missing unit left transit as lost");
            await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}")),
                s => Text(s, "holder") == "lost", Settle, $"custody: {serial} lost");
            var request = await f.RequestInStateAsync(id, "LostInTransit");
            Assert.Equal($"TI-{id}", Text(request, "lostInTransitInvestigationId"));
            var again = new { ticketId = "TCK-" + f.Id, siteId = "SITE-" + f.Id, centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4", replacesRequestId = id };
            Assert.Equal(id, Text(await Ok(await f.Eng.PostAsJsonAsync("/api/v1/part-requests", again)), "replacesRequestId"));
            await stack.AssertInvariantsAsync(centres: [f.Centre]);
        }
        finally
        {
            stack.MoveClock(-moved);
        }
    }

    private async Task<string> ShippedSerialAsync(string requestId) =>
        (await stack.ScalarAsync<string[]>("SELECT serials FROM receipts.shipments WHERE reference = $1", requestId))![0];
}
