using System.Net;
using System.Net.Http.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// The faulty part's way back after a swap, through the gateway: opened by the swap, packed under the ESD rules,
/// shipped, signed for at the centre, inspected; the part request closes. Overdue and unreturned under a moved clock.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FaultyReturnFlowTests(TestStack stack)
{
    private async Task<(Flow Flow, string RequestId, string Installed, string Faulty, string ReturnId)> SwappedAsync()
    {
        var f = await StockedAsync(stack);
        var (requestId, installed) = await f.DeliveredRequestAsync();
        var faulty = "FAULTY-" + f.Id;
        await f.InstallAsync(requestId, installed, faulty);
        var opened = await f.ReturnOfRequestAsync(requestId);
        return (f, requestId, installed, faulty, Text(opened, "returnId"));
    }

    private long ReturnSteps(string returnId, string step) => stack.ScalarAsync<long>(
        "SELECT count(*) FROM returns.outbox WHERE topic = 'return-changed' AND payload->>'returnId' = $1 AND payload->>'step' = $2", returnId, step).Result;

    [Fact]
    public async Task The_swap_opens_a_return_that_is_packed_shipped_received_and_inspected_and_the_request_closes()
    {
        var (f, requestId, installed, faulty, returnId) = await SwappedAsync();
        using var _ = f;
        var opened = await f.ReturnAsync(returnId);
        Assert.Equal("Open", Text(opened, "state"));
        Assert.Equal(faulty, Text(opened, "serial"));
        Assert.Equal(installed, Text(opened, "replacementSerial"));
        Assert.Equal("F006", Text(opened, "expectedCategoryCode"));
        var delivered = await f.RequestAsync(requestId);
        var deliveredAt = delivered.GetProperty("history").EnumerateArray().Last(t => Text(t, "to") == "Delivered").GetProperty("at").GetDateTimeOffset();
        Assert.Equal(deliveredAt.AddDays(10), opened.GetProperty("dueAt").GetDateTimeOffset());

        var packed = await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        Assert.Equal("Packed", Text(packed, "state"));
        var shipped = await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
        Assert.Equal("Shipped", Text(shipped, "state"));

        // The centre signs for it (a receipt of kind engineer-to-centre) once receipts has heard of the shipment.
        var receipt = await Eventually.Until(async () => await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [faulty])),
            r => r.IsSuccessStatusCode, Settle, "the centre signs for the return");
        Assert.Equal([faulty], Strings(await Ok(receipt), "acceptedSerials"));
        var received = await f.ReturnInStateAsync(returnId, "Received");
        Assert.False(Flag(received, "esdNonCompliant"));
        await f.StockBecomesAsync((2, 0, 2, 0, 1, 0), "the faulty part awaits inspection");

        var inspected = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "confirmed-fault", note = "burnt capacitor" }));
        Assert.Contains(Text(inspected, "state"), new[] { "Inspected", "Closed" });
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 1), "quarantined after a confirmed fault");
        var closed = await f.RequestInStateAsync(requestId, "Closed");
        Assert.Equal(returnId, Text(closed, "returnId"));
        Assert.Equal(1, ReturnSteps(returnId, "opened"));
    }

    [Fact]
    public async Task A_part_arriving_outside_a_sealed_esd_bag_is_received_but_flagged_and_no_fault_found_goes_back_on_the_shelf()
    {
        var (f, requestId, _, faulty, returnId) = await SwappedAsync();
        using var _ = f;
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
        await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [faulty], esdBagSealed: false))).IsSuccessStatusCode,
            Settle, "the centre signs for the return");
        var received = await f.ReturnInStateAsync(returnId, "Received");
        Assert.True(Flag(received, "esdNonCompliant"));

        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "no-fault-found" }), HttpStatusCode.BadRequest, "bin");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "no-fault-found", bin = "A-02", note = "passed test" }));
        await f.StockBecomesAsync((3, 0, 3, 0, 0, 0), "the tested part back on hand");
        await f.RequestInStateAsync(requestId, "Closed");
        var listed = await Ok(await f.Sup.GetAsync($"/api/v1/returns?engineerId={f.Engineer}"));
        Assert.Contains(listed.GetProperty("returns").EnumerateArray(), r => Text(r, "returnId") == returnId && Flag(r, "esdNonCompliant"));
    }

    [Fact]
    public async Task Every_refusal_leaves_the_return_as_it_was()
    {
        var (f, requestId, installed, faulty, returnId) = await SwappedAsync();
        using var _ = f;
        var before = await f.ReturnAsync(returnId);

        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF", trackingNo = "T1" }), HttpStatusCode.BadRequest, "pack");
        await Refused(await f.OtherEng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)), HttpStatusCode.Forbidden);
        await Refused(await f.OtherEng.GetAsync($"/api/v1/returns/{returnId}"), HttpStatusCode.Forbidden);
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)), HttpStatusCode.Forbidden);
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, installed)), HttpStatusCode.BadRequest, "fault_tag.serial");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty, categoryCode: "F001")), HttpStatusCode.BadRequest, "category_code");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack",
            new { inGoodPartPackaging = true, esdBagSealed = true, sealedWith = "staples", esdSymbol = true, faultTag = f.FaultTag(requestId, faulty) }), HttpStatusCode.BadRequest, "staples");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack",
            new { inGoodPartPackaging = false, esdBagSealed = true, sealedWith = "tape", esdSymbol = true, faultTag = f.FaultTag(requestId, faulty) }), HttpStatusCode.BadRequest, "in_good_part_packaging");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack",
            new { inGoodPartPackaging = true, esdBagSealed = false, sealedWith = "tape", esdSymbol = true, faultTag = f.FaultTag(requestId, faulty) }), HttpStatusCode.BadRequest, "esd_bag_sealed");
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "confirmed-fault" }), HttpStatusCode.BadRequest, "Open");
        await Refused(await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [faulty])), HttpStatusCode.NotFound);

        Assert.Equal(before.ToString(), (await f.ReturnAsync(returnId)).ToString());
        Assert.Equal(0, ReturnSteps(returnId, "packed"));
        Assert.Equal(0, ReturnSteps(returnId, "shipped"));

        // Packed: a warehouse user cannot ship it, and it cannot be inspected before the centre signed for it.
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF", trackingNo = "T1" }), HttpStatusCode.Forbidden);
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF", trackingNo = "T1" }));
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "confirmed-fault" }), HttpStatusCode.BadRequest, "Shipped");
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF", trackingNo = "T2" }), HttpStatusCode.BadRequest, "Shipped");
        Assert.Equal(1, ReturnSteps(returnId, "shipped"));
    }

    [Fact]
    public async Task Past_due_a_return_is_flagged_overdue_and_escalated_once_and_after_thirty_days_unreturned_blocks_automatic_approval()
    {
        var (f, _, _, _, returnId) = await SwappedAsync();
        using var _ = f;
        var moved = TimeSpan.Zero;
        try
        {
            Assert.False(Flag(await f.ReturnAsync(returnId), "overdue"));
            moved = stack.MoveClock(TimeSpan.FromDays(11));
            var overdue = await Eventually.Until(() => f.ReturnAsync(returnId), r => Flag(r, "overdue") && Flag(r, "escalated"), Settle, "overdue and escalated");
            Assert.False(Flag(overdue, "unreturned"));
            var listed = await Ok(await f.Sup.GetAsync("/api/v1/returns?overdue=true&state=Open"));
            Assert.Contains(listed.GetProperty("returns").EnumerateArray(), r => Text(r, "returnId") == returnId);

            // The scan runs every 250 ms; more scans must not escalate again.
            await Eventually.Never(() => Task.FromResult(ReturnSteps(returnId, "escalated") > 1), TimeSpan.FromSeconds(2), "a second escalation");
            Assert.Equal(1, ReturnSteps(returnId, "escalated"));
            Assert.Equal(1, ReturnSteps(returnId, "overdue"));

            // Within quota the engineer still gets automatic approval while the return is merely overdue.
            moved = stack.MoveClock(TimeSpan.FromDays(20));
            await Eventually.Until(() => f.ReturnAsync(returnId), r => Flag(r, "unreturned"), Settle, "unreturned after 30 days");
            await Eventually.Never(() => Task.FromResult(ReturnSteps(returnId, "unreturned") > 1), TimeSpan.FromSeconds(1), "a second unreturned mark");
            Assert.Equal(1, ReturnSteps(returnId, "unreturned"));

            // Once the requests service has applied the unreturned mark, the engineer's next request waits for a supervisor.
            await Eventually.Until(async () => await stack.ScalarAsync<long>(
                    """
                    SELECT count(*) FROM requests.inbox i JOIN returns.outbox o ON i.event_id = o.id::text
                    WHERE o.topic = 'return-changed' AND o.payload->>'returnId' = $1 AND o.payload->>'step' = 'unreturned'
                    """, returnId) == 1,
                Settle, "the unreturned mark applied by requests");
            var blocked = await f.SubmitAsync();
            Assert.Equal("Submitted", Text(blocked, "state"));
            Assert.Contains("overdue", Text(blocked, "awaitingApprovalBecause"));
        }
        finally
        {
            stack.MoveClock(-moved);
        }
    }
}
