using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.Faults.Tests;

/// <summary>
/// Bursts of advance-replacement flows (request → reserved → ship → sign → install → return opened) through the
/// gateway while one part of the stack fails: each service killed with SIGKILL and restarted, Redis and Postgres
/// restarted, a sidecar killed, a subscriber failing several times. Clients behave as they should (retry transient
/// failures with the same idempotency key). Afterwards every flow is complete exactly once and the invariant checker
/// finds nothing: nothing lost, nothing doubled.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FaultTests(TestStack stack)
{
    private const int Flows = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static TheoryData<string> Services => new() { "requests", "receipts", "returns", "inventory", "doa", "custody" };

    [Theory]
    [MemberData(nameof(Services))]
    public Task A_service_killed_mid_burst_and_restarted_loses_and_doubles_nothing(string service) =>
        BurstAsync(async () =>
        {
            stack.Stack.Kill(service);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stack.Stack.RestartAsync(service);
        });

    [Fact]
    public Task Redis_restarted_mid_burst_keeps_stock_and_messages() =>
        BurstAsync(() => stack.Stack.RestartAsync("redis"));

    [Fact]
    public Task Postgres_restarted_mid_burst_loses_nothing() =>
        BurstAsync(() => stack.Stack.RestartAsync("postgres"));

    [Fact]
    public Task A_sidecar_killed_mid_burst_and_restarted_loses_nothing() =>
        BurstAsync(async () =>
        {
            stack.Stack.Kill("inventory-sidecar");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stack.Stack.RestartAsync("inventory-sidecar");
        });

    [Fact]
    public async Task A_subscriber_that_fails_several_times_then_succeeds_applies_each_event_once()
    {
        // The returns service cannot write while its table is away: every PartInstalled it gets fails (500) and the
        // sidecar redelivers it, until the table is back.
        var failuresBefore = Failures();
        await using (var hide = stack.Database.CreateCommand("ALTER TABLE returns.returns RENAME TO returns_away")) await hide.ExecuteNonQueryAsync();
        try
        {
            await BurstAsync(async () =>
            {
                await Eventually.Until(() => Task.FromResult(Failures() - failuresBefore >= 3), Patience, "three failed deliveries to returns");
                await using var back = stack.Database.CreateCommand("ALTER TABLE returns.returns_away RENAME TO returns");
                await back.ExecuteNonQueryAsync();
            }, faultAfterSteps: Flows * 4);
        }
        finally
        {
            await using var restore = stack.Database.CreateCommand(
                "DO $$ BEGIN IF to_regclass('returns.returns_away') IS NOT NULL THEN ALTER TABLE returns.returns_away RENAME TO returns; END IF; END $$");
            await restore.ExecuteNonQueryAsync();
        }
        Assert.True(Failures() - failuresBefore >= 3);

        int Failures() => stack.Stack.Processes["returns"].ReadLog().Split('\n').Count(l => l.Contains("the sidecar will redeliver it", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs <see cref="Flows"/> flows at once, each by its own engineer, applies the fault once the flows are under way,
    /// waits for every flow to finish, and checks that each finished exactly once.
    /// </summary>
    private async Task BurstAsync(Func<Task> fault, int faultAfterSteps = Flows)
    {
        using var f = await StockedAsync(stack, units: Flows + 1);
        var warehouse = await stack.ResilientRestAsAsync($"wh-{f.Id}", ["warehouse"], [f.Centre]);
        var engineers = new List<HttpClient>();
        for (var i = 0; i < Flows; i++) engineers.Add(await stack.ResilientRestAsAsync($"{f.Engineer}-{i}", "engineer"));
        try
        {
            var steps = 0;
            var underWay = new TaskCompletionSource();
            void Step()
            {
                if (Interlocked.Increment(ref steps) >= faultAfterSteps) underWay.TrySetResult();
            }

            var flows = Enumerable.Range(0, Flows).Select(i => Task.Run(() => OneFlowAsync(f, engineers[i], warehouse, i, Step))).ToList();
            await Task.WhenAny(underWay.Task, Task.WhenAll(flows));
            await fault();
            var requestIds = await Task.WhenAll(flows);

            // Each flow once: installed, its serial out of stock once, its return opened once, its custody history whole.
            await f.StockBecomesAsync((1, 0, 1, 0, 0, 0), "every flow shipped and delivered exactly once");
            for (var i = 0; i < Flows; i++)
            {
                Assert.Equal("Installed", Text(await f.RequestAsync(requestIds[i]), "state"));
                await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM returns.returns WHERE request_id = $1", requestIds[i]) == 1,
                    Patience, $"the return of {requestIds[i]} opened");
                var serial = f.Serials[i];
                await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM custody.custody_events WHERE serial = $1", serial) == 4,
                    Patience, $"four custody events of {serial}");
            }
            Assert.Equal(Flows, await stack.ScalarAsync<long>(
                "SELECT count(*) FROM requests.outbox WHERE topic = 'part-installed' AND payload->>'centreId' = $1", f.Centre));
            await stack.AssertInvariantsAsync(Patience);
        }
        finally
        {
            warehouse.Dispose();
            foreach (var engineer in engineers) engineer.Dispose();
        }
    }

    private static async Task<string> OneFlowAsync(Flow f, HttpClient engineer, HttpClient warehouse, int i, Action step)
    {
        var serial = f.Serials[i];
        var requestId = Text(await Ok(await Send(engineer, "/api/v1/part-requests", $"request-{f.Id}-{i}", new
        {
            ticketId = $"TCK-{f.Id}-{i}", siteId = $"SITE-{f.Id}", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4",
        })), "requestId");
        step();
        await StateAsync(engineer, requestId, "Reserved");
        step();
        // Requests learns the centre's shelf from stock events: just after requests was killed and restarted, a goods-in
        // may still be on its way (the sidecar retries it), and the ship is refused "not on hand", writing nothing. The
        // warehouse ships again with the same key, as a person would.
        await Eventually.Until(async () => (await Send(warehouse, $"/api/v1/part-requests/{requestId}:ship", $"ship-{f.Id}-{i}",
            new { serials = new[] { serial }, packaging = EsdPackaging(), carrier = "SF Express", trackingNo = $"TRK-{f.Id}-{i}" })).IsSuccessStatusCode,
            Patience, $"{requestId} shipped");
        step();
        // Receipts learns of the shipment from an event: until then the reference is unknown (404, nothing written).
        await Eventually.Until(async () => (await Send(engineer, "/api/v1/receipts", $"sign-{f.Id}-{i}",
            Receipt("centre-to-engineer", requestId, [serial]))).IsSuccessStatusCode, Patience, $"{requestId} signed for");
        await StateAsync(engineer, requestId, "Delivered");
        step();
        await Ok(await Send(engineer, $"/api/v1/part-requests/{requestId}:install", $"install-{f.Id}-{i}",
            new { installedSerial = serial, removedSerial = $"FAULTY-{f.Id}-{i}", equipmentId = $"EQ-{f.Id}-{i}" }));
        step();
        return requestId;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, string path, string idempotencyKey, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(message);
    }

    private static Task<JsonElement> StateAsync(HttpClient client, string requestId, string state) =>
        Eventually.Until(async () => await Ok(await client.GetAsync($"/api/v1/part-requests/{requestId}")), r => Text(r, "state") == state,
            Patience, $"request {requestId} {state}");
}
