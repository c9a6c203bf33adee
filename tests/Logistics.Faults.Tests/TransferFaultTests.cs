using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.Faults.Tests;

/// <summary>
/// Transfers between centres while inventory (which owns them) crashes or Redis restarts: a burst of transfers with
/// inventory killed with SIGKILL mid-burst, inventory killed after a step's stock script ran and before its transaction
/// committed, and Redis restarted mid-burst. The clients retry with the same idempotency key, as a real client does.
/// Afterwards every transfer reached each state once, every unit is at one centre (in transit counted once), custody
/// has each step of each serial once, the ledger replays to the levels in Redis, and the invariant checker finds nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TransferFaultTests(TestStack stack)
{
    private const int Transfers = 3;
    private const int Units = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private sealed record Centres(Flow F, string To, HttpClient FromWarehouse, HttpClient ToWarehouse) : IDisposable
    {
        public void Dispose()
        {
            FromWarehouse.Dispose();
            ToWarehouse.Dispose();
            F.Dispose();
        }
    }

    /// <summary>The flow's centre sends (its serials in A-01); a second centre with bin B-01 and no stock receives.</summary>
    private async Task<Centres> TwoCentresAsync(int units)
    {
        var f = await StockedAsync(stack, units);
        var to = "R-" + f.Id;
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{to}", new { name = "Receiving centre", bins = new[] { "B-01" } }));
        return new Centres(f, to,
            await stack.ResilientRestAsAsync($"whf-{f.Id}", ["warehouse"], [f.Centre]),
            await stack.ResilientRestAsAsync($"whr-{f.Id}", ["warehouse"], [to]));
    }

    [Fact]
    public async Task Inventory_killed_mid_burst_of_transfers_and_restarted_moves_every_unit_once()
    {
        using var _ = await BurstAsync(async () =>
        {
            stack.Stack.Kill("inventory");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stack.Stack.RestartAsync("inventory");
        });
    }

    [Fact]
    public async Task Redis_restarted_mid_burst_of_transfers_keeps_stock_and_the_ledger_replays_to_it()
    {
        var c = await BurstAsync(() => stack.Stack.RestartAsync("redis"));
        using var _ = c;
        // Rebuilding the levels from the ledger changes nothing: Redis kept every move (AOF) and the ledger has each once.
        foreach (var centre in new[] { c.F.Centre, c.To })
        {
            var rebuilt = await Ok(await c.F.Admin.PostAsJsonAsync($"/api/v1/centres/{centre}:rebuild", new { }));
            Assert.Empty(rebuilt.GetProperty("differences").EnumerateArray());
            await AssertReconciledAsync(c.F, centre);
        }
        Assert.Equal((1, 0, 0), await LevelAsync(c.F, c.F.Centre));
        Assert.Equal((Transfers * Units, 0, 0), await LevelAsync(c.F, c.To));
    }

    [Fact]
    public async Task Inventory_killed_after_a_transfer_step_moved_stock_and_before_it_committed_the_retry_completes_the_step_once()
    {
        using var c = await TwoCentresAsync(units: Units + 1);
        var f = c.F;
        var id = Text(await Ok(await Send(c.ToWarehouse, $"/api/v1/centres/{c.To}/transfers", $"trf-{f.Id}",
            new { fromCentreId = f.Centre, partNumber = f.Part, quantity = Units, note = "killed before commit" })), "transferId");
        string[] serials = [.. f.Serials.Take(Units)];

        await KilledBeforeCommitAsync(id, "Requested", "reserve", () => Send(c.FromWarehouse, $"/api/v1/transfers/{id}:pick", $"pick-{f.Id}", new { serials }),
            "Picked");
        await KilledBeforeCommitAsync(id, "Picked", "ship", () => Send(c.FromWarehouse, $"/api/v1/transfers/{id}:ship", $"ship-{f.Id}",
            new { carrier = "SF", trackingNumber = "SF-" + f.Id, esdPackaging = true }), "Shipped");
        var received = await KilledBeforeCommitAsync(id, "Shipped", "receipt-1", () => Send(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", $"rcv-{f.Id}",
            new { serials, bin = "B-01", final = true }), "Received");
        Assert.Equal(serials, Strings(received, "receivedSerials"));
        Assert.Empty(Strings(received, "missingSerials"));

        await AssertMovedOnceAsync(c, [(id, serials)]);
        await stack.AssertInvariantsAsync(Patience, [f.Centre, c.To]);
    }

    /// <summary>
    /// Runs one step with inventory killed after the step's stock script ran and before its commit, restarts inventory,
    /// and returns the answer the client's retry (same idempotency key) gets.
    /// </summary>
    private async Task<JsonElement> KilledBeforeCommitAsync(string transferId, string stateBefore, string step, Func<Task<HttpResponseMessage>> send, string stateAfter)
    {
        Task<HttpResponseMessage> sent;
        await using (var trap = await CommitTrap.ArmAsync(stack, "inventory.transfers", "transfer_id", transferId))
        {
            sent = Task.Run(send);
            await trap.CaughtAsync(Patience, $"the {step} of {transferId}");
            stack.Stack.Kill("inventory");
            await trap.ReleaseAsync();
        }
        // The script ran (its result is kept under the step's key at the centre), the step did not commit.
        Assert.Equal(stateBefore, await stack.ScalarAsync<string>("SELECT state FROM inventory.transfers WHERE transfer_id = $1", transferId));
        Assert.True(await ScriptRanAsync($"transfer-{transferId}-{step}"), $"the {step} script of {transferId} ran before the kill");
        await stack.Stack.RestartAsync("inventory");
        var answer = await Ok(await sent);
        Assert.Equal(stateAfter, Text(answer, "state"));
        return answer;
    }

    /// <summary>True when some centre keeps a stock script's result under a key starting with <paramref name="keyPrefix"/>.</summary>
    private async Task<bool> ScriptRanAsync(string keyPrefix)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var server = redis.GetServer(stack.Stack.Redis.ConnectionString);
        await foreach (var _ in server.KeysAsync(pattern: $"inv:*:idem:{keyPrefix}*")) return true;
        return false;
    }

    /// <summary>
    /// <see cref="Transfers"/> transfers of <see cref="Units"/> serials each at once, from request to a final receipt, with
    /// the fault applied once they are under way; then checks each moved its units exactly once.
    /// </summary>
    private async Task<Centres> BurstAsync(Func<Task> fault)
    {
        var c = await TwoCentresAsync(units: Transfers * Units + 1);
        try
        {
            var steps = 0;
            var underWay = new TaskCompletionSource();
            void Step()
            {
                if (Interlocked.Increment(ref steps) >= Transfers * 2) underWay.TrySetResult();
            }

            var transfers = Enumerable.Range(0, Transfers).Select(i => Task.Run(() => OneTransferAsync(c, i, Step))).ToList();
            await Task.WhenAny(underWay.Task, Task.WhenAll(transfers));
            await fault();
            var done = await Task.WhenAll(transfers);

            foreach (var (id, serials) in done)
            {
                var t = await Ok(await c.ToWarehouse.GetAsync($"/api/v1/transfers/{id}"));
                Assert.Equal("Received", Text(t, "state"));
                Assert.Equal(serials, Strings(t, "receivedSerials"));
                Assert.Empty(Strings(t, "missingSerials"));
            }
            await AssertMovedOnceAsync(c, done);
            await stack.AssertInvariantsAsync(Patience, [c.F.Centre, c.To]);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static async Task<(string Id, string[] Serials)> OneTransferAsync(Centres c, int i, Action step)
    {
        var f = c.F;
        string[] serials = [.. f.Serials.Skip(i * Units).Take(Units)];
        var id = Text(await Ok(await Send(c.ToWarehouse, $"/api/v1/centres/{c.To}/transfers", $"trf-{f.Id}-{i}",
            new { fromCentreId = f.Centre, partNumber = f.Part, quantity = Units, note = $"burst {i}" })), "transferId");
        step();
        await Ok(await Send(c.FromWarehouse, $"/api/v1/transfers/{id}:pick", $"pick-{f.Id}-{i}", new { serials }));
        step();
        await Ok(await Send(c.FromWarehouse, $"/api/v1/transfers/{id}:ship", $"ship-{f.Id}-{i}",
            new { carrier = "SF", trackingNumber = $"SF-{f.Id}-{i}", esdPackaging = true }));
        step();
        await Ok(await Send(c.ToWarehouse, $"/api/v1/transfers/{id}:receive", $"rcv-{f.Id}-{i}", new { serials, bin = "B-01", final = true }));
        step();
        return (id, serials);
    }

    /// <summary>
    /// Each transfer's units left the sending centre once and entered the receiving centre once: the levels, the ledger,
    /// the transfer-changed events and every serial's custody chain.
    /// </summary>
    private async Task AssertMovedOnceAsync(Centres c, IReadOnlyCollection<(string Id, string[] Serials)> done)
    {
        var f = c.F;
        var moved = done.Sum(d => d.Serials.Length);
        await Eventually.Until(() => LevelAsync(f, f.Centre), l => l == (f.Serials.Count - moved, 0, 0), Patience, "the sending centre: the rest on hand, none in transit");
        await Eventually.Until(() => LevelAsync(f, c.To), l => l == (moved, 0, 0), Patience, "the receiving centre: every unit on hand");
        foreach (var (id, serials) in done)
        {
            foreach (var kind in new[] { "transfer-shipped", "transfer-received", "transfer-delivered" })
            {
                await Eventually.Until(async () => await stack.ScalarAsync<long>(
                    "SELECT count(*) FROM inventory.movements WHERE reference = $1 AND kind = $2", id, kind) >= 1, Patience, $"{kind} of {id} in the ledger");
                Assert.Equal(1, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE reference = $1 AND kind = $2", id, kind));
                Assert.Equal(serials.Order(StringComparer.Ordinal), (await stack.ScalarAsync<string[]>(
                    "SELECT array_agg(s ORDER BY s) FROM inventory.movements, unnest(serials) s WHERE reference = $1 AND kind = $2", id, kind))!);
            }
            Assert.Equal(["Requested", "Picked", "Shipped", "Received"], await TransferStatesAsync(id));
            foreach (var serial in serials)
            {
                // Goods-in at the sending centre, shipped to the receiving one, received there: each once.
                await Eventually.Until(async () => await CustodyStepsAsync(serial), s => s.Count >= 3, Patience, $"three custody events of {serial}");
                Assert.Equal(["receiving", "shipping", "receiving"], await CustodyStepsAsync(serial));
            }
        }
        foreach (var centre in new[] { f.Centre, c.To }) await AssertReconciledAsync(f, centre);
    }

    private async Task<List<string>> TransferStatesAsync(string id) =>
        [.. (await stack.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(payload->>'state' ORDER BY seq), '{}') FROM inventory.outbox WHERE topic = 'transfer-changed' AND payload->>'transferId' = $1", id))!];

    private async Task<List<string>> CustodyStepsAsync(string serial) =>
        [.. (await stack.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(business_step ORDER BY occurred_at, sequence), '{}') FROM custody.custody_events WHERE serial = $1", serial))!];

    /// <summary>Replaying the centre's ledger gives the levels and serials Redis holds.</summary>
    private static async Task AssertReconciledAsync(Flow f, string centre) =>
        await Eventually.Until(async () => await Ok(await f.Admin.PostAsJsonAsync($"/api/v1/centres/{centre}:reconcile", new { })),
            r => !r.GetProperty("differences").EnumerateArray().Any(), Patience, $"the ledger of {centre} replays to its levels in Redis");

    private static async Task<(long OnHand, long Reserved, long InTransit)> LevelAsync(Flow f, string centre)
    {
        var level = await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{centre}/stock/{f.Part}"));
        return (Number(level, "onHand"), Number(level, "reserved"), Number(level, "inTransit"));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, string path, string idempotencyKey, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(message);
    }
}
