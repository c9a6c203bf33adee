using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.Faults.Tests;

/// <summary>
/// A repair and a return to supplier of a quarantined unit while inventory (which owns dispositions) crashes: killed
/// with SIGKILL after the step's stock script ran and before its transaction committed, when the unit leaves the
/// quarantine (for the repairer, for the supplier) and when the repaired unit goes back to stock. The warehouse retries with the same idempotency key. Afterwards the
/// unit left the quarantine exactly once, came back once, custody has each step once, and the invariant checker finds
/// nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DispositionFaultTests(TestStack stack)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Inventory_killed_before_a_repair_step_committed_the_unit_leaves_the_quarantine_once_and_comes_back_once()
    {
        var (f, serial) = await QuarantinedAsync();
        using var _ = f;
        using var warehouse = await stack.ResilientRestAsAsync(f.WarehouseUser, ["warehouse"], [f.Centre]);
        using var supervisor = await stack.ResilientRestAsAsync(f.Supervisor, ["supervisor"], [f.Centre]);
        var id = Text(await Ok(await Send(warehouse, $"/api/v1/centres/{f.Centre}/dispositions", $"dsp-{f.Id}",
            new { partNumber = f.Part, serial, kind = "repair", repairer = "REP-SZ" })), "dispositionId");
        await Ok(await Send(supervisor, $"/api/v1/dispositions/{id}:approve", $"approve-{f.Id}", new { }));

        await KilledBeforeCommitAsync(id, "Approved", "sent-to-repair", () => Send(warehouse, $"/api/v1/dispositions/{id}:ship", $"ship-{f.Id}",
            new { carrier = "SF", trackingNumber = "REP-" + f.Id, esdPackaging = true }), "Sent");
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "at the repairer, out of the quarantine");
        await Ok(await Send(warehouse, $"/api/v1/dispositions/{id}:receive", $"receive-{f.Id}", new { }));
        var repaired = await KilledBeforeCommitAsync(id, "Received", "repaired-to-stock", () => Send(warehouse, $"/api/v1/dispositions/{id}:inspect",
            $"inspect-{f.Id}", new { outcome = "repaired", bin = "A-02" }), "Repaired");
        Assert.Equal(1, Number(repaired, "repairCount"));
        await f.StockBecomesAsync((3, 0, 3, 0, 0, 0), "repaired, back in good stock");

        // Each stock step of the disposition once in the ledger; the quarantine left once.
        foreach (var kind in new[] { "sent-to-repair", "repaired-in", "repaired-to-stock" })
        {
            await Eventually.Until(async () => await MovementsAsync(id, kind) >= 1, Patience, $"{kind} of {id} in the ledger");
            Assert.Equal(1, await MovementsAsync(id, kind));
        }
        Assert.Equal(1, await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND $2 = ANY(serials) AND d_quarantined < 0", f.Centre, serial));
        Assert.Equal(["Proposed", "Approved", "Sent", "Received", "Repaired"], await DispositionStatesAsync(id));
        // Custody: shipped to the repairer once, received back once, repaired once.
        string[] expected = ["shipping", "receiving", "repairing"];
        await Eventually.Until(() => CustodyStepsAsync(serial, id), s => s.Count >= expected.Length, Patience, $"the custody events of {serial} for {id}");
        Assert.Equal(expected, await CustodyStepsAsync(serial, id));
        await stack.AssertInvariantsAsync(Patience, [f.Centre]);
    }

    [Fact]
    public async Task Inventory_killed_before_a_return_to_supplier_committed_its_shipment_the_unit_leaves_the_quarantine_once()
    {
        var (f, serial) = await QuarantinedAsync();
        using var _ = f;
        using var warehouse = await stack.ResilientRestAsAsync(f.WarehouseUser, ["warehouse"], [f.Centre]);
        using var supervisor = await stack.ResilientRestAsAsync(f.Supervisor, ["supervisor"], [f.Centre]);
        var id = Text(await Ok(await Send(warehouse, $"/api/v1/centres/{f.Centre}/dispositions", $"dsp-{f.Id}",
            new { partNumber = f.Part, serial, kind = "return-to-supplier", supplier = "ACME", rmaNumber = "RMA-" + f.Id })), "dispositionId");
        await Ok(await Send(supervisor, $"/api/v1/dispositions/{id}:approve", $"approve-{f.Id}", new { }));

        await KilledBeforeCommitAsync(id, "Approved", "returned-to-supplier", () => Send(warehouse, $"/api/v1/dispositions/{id}:ship", $"ship-{f.Id}",
            new { carrier = "DHL", trackingNumber = "RTV-" + f.Id, esdPackaging = true }), "Sent");
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "returned to the supplier, out of the quarantine");
        var closed = await Ok(await Send(warehouse, $"/api/v1/dispositions/{id}:close", $"close-{f.Id}", new { settlement = "credit", reference = "CN-" + f.Id }));
        Assert.Equal("Closed", Text(closed, "state"));

        await Eventually.Until(async () => await MovementsAsync(id, "returned-to-supplier") >= 1, Patience, $"the return of {id} in the ledger");
        Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE reference = $1", id));
        Assert.Equal(["Proposed", "Approved", "Sent", "Closed"], await DispositionStatesAsync(id));
        await Eventually.Until(() => CustodyStepsAsync(serial, id), s => s.Count >= 1, Patience, $"the custody event of {serial} for {id}");
        Assert.Equal(["shipping"], await CustodyStepsAsync(serial, id));
        await stack.AssertInvariantsAsync(Patience, [f.Centre]);
    }

    /// <summary>
    /// Runs one step with inventory killed after the step's stock script ran and before its commit, restarts inventory,
    /// and returns the answer the client's retry (same idempotency key) gets.
    /// </summary>
    private async Task<JsonElement> KilledBeforeCommitAsync(string dispositionId, string stateBefore, string movement, Func<Task<HttpResponseMessage>> send,
        string stateAfter)
    {
        Task<HttpResponseMessage> sent;
        await using (var trap = await CommitTrap.ArmAsync(stack, "inventory.dispositions", "disposition_id", dispositionId))
        {
            sent = Task.Run(send);
            await trap.CaughtAsync(Patience, $"the {movement} of {dispositionId}");
            stack.Stack.Kill("inventory");
            await trap.ReleaseAsync();
        }
        Assert.Equal(stateBefore, await stack.ScalarAsync<string>("SELECT state FROM inventory.dispositions WHERE disposition_id = $1", dispositionId));
        await stack.Stack.RestartAsync("inventory");
        var answer = await Ok(await sent);
        Assert.Equal(stateAfter, Text(answer, "state"));
        return answer;
    }

    /// <summary>A faulty part swapped out, returned in ESD packaging, signed for and inspected with a confirmed fault: quarantined.</summary>
    private async Task<(Flow Flow, string Serial)> QuarantinedAsync()
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

    private async Task<long> MovementsAsync(string dispositionId, string kind) =>
        await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE reference = $1 AND kind = $2", dispositionId, kind);

    private async Task<List<string>> DispositionStatesAsync(string id) =>
        [.. (await stack.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(payload->>'state' ORDER BY seq), '{}') FROM inventory.outbox WHERE topic = 'disposition-changed' AND payload->>'dispositionId' = $1", id))!];

    /// <summary>The custody steps of the serial the disposition made (custody reference <c>disposition:&lt;id&gt;</c>).</summary>
    private async Task<List<string>> CustodyStepsAsync(string serial, string dispositionId) =>
        [.. (await stack.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(business_step ORDER BY occurred_at, sequence), '{}') FROM custody.custody_events WHERE serial = $1 AND reference = $2",
            serial, "disposition:" + dispositionId))!];

    private static async Task<HttpResponseMessage> Send(HttpClient client, string path, string idempotencyKey, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(message);
    }
}
