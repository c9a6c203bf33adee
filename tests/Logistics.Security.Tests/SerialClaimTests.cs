using System.Net;
using System.Net.Http.Json;
using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.Security.Tests;

/// <summary>
/// One centre holds a serial, even under a race: goods-in claims the serial across centres before the centre's own
/// script runs, and refuses (409, naming the holder) a serial on hand, in transit or out in the field elsewhere.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SerialClaimTests(TestStack stack)
{
    private const int Repetitions = 25;
    private const int PerCentre = 10;

    [Fact]
    public async Task Twenty_parallel_goods_in_of_one_new_serial_at_two_centres_book_it_once()
    {
        using var a = await Flow.StockedAsync(stack, units: 0);
        using var b = await Flow.StockedAsync(stack, units: 0);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var db = redis.GetDatabase();

        for (var repetition = 1; repetition <= Repetitions; repetition++)
        {
            var serial = $"SN-{a.Id}-RACE-{repetition}";
            var gate = new TaskCompletionSource();
            // Centre A's staff and centre B's staff each take in the same new serial of A's part, each with its own key.
            var calls = Enumerable.Range(0, 2 * PerCentre).Select(async i =>
            {
                var (client, centre) = i % 2 == 0 ? (a.Warehouse, a.Centre) : (b.Warehouse, b.Centre);
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{centre}/goods-in")
                {
                    Content = JsonContent.Create(new { partNumber = a.Part, bin = "A-01", serials = new[] { serial }, reference = "PO-RACE" }),
                };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                await gate.Task;
                using var response = await client.SendAsync(request);
                return (Centre: centre, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }).ToList();
            gate.SetResult();
            var results = await Task.WhenAll(calls);

            var won = results.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            Assert.True(won.Count == 1, $"repetition {repetition}: {won.Count} goods-in succeeded:\n" + string.Join("\n", results.Select(r => $"{r.Centre} {(int)r.StatusCode} {r.Body}")));
            var holder = won[0].Centre;
            foreach (var lost in results.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                Assert.True(lost.StatusCode == HttpStatusCode.Conflict, $"repetition {repetition}: {lost.Centre} got {(int)lost.StatusCode} {lost.Body}");
                Assert.Contains($"centre {holder}", lost.Body, StringComparison.Ordinal);
                Assert.Contains(serial, lost.Body, StringComparison.Ordinal);
            }
            // The stock authority holds it at the winning centre only.
            var holders = new List<string>();
            foreach (var centre in new[] { a.Centre, b.Centre })
                if (await db.HashExistsAsync($"inv:{{{centre}}}:serials:{a.Part}", serial)) holders.Add(centre);
            Assert.Equal(new[] { holder }, holders);
        }

        var levelA = await Flow.Ok(await a.Warehouse.GetAsync($"/api/v1/centres/{a.Centre}/stock/{a.Part}"));
        var levelB = await Flow.Ok(await b.Warehouse.GetAsync($"/api/v1/centres/{b.Centre}/stock/{a.Part}"));
        Assert.Equal(Repetitions, Flow.Number(levelA, "onHand") + Flow.Number(levelB, "onHand"));
        await stack.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_serial_installed_at_a_customer_site_is_refused_at_every_centre()
    {
        using var flow = await Flow.StockedAsync(stack, units: 2);
        using var other = await Flow.StockedAsync(stack, units: 0);
        var (requestId, serial) = await flow.DeliveredRequestAsync();
        await flow.InstallAsync(requestId, serial, $"OLD-{flow.Id}");
        // The delivery leaves transit when the ledger drains it: compare against the settled level, not a moment in between.
        var before = await flow.StockBecomesAsync((1, 0, 1, 0, 0, 0), "one unit delivered, one on hand");

        foreach (var (client, centre) in new[] { (other.Warehouse, other.Centre), (flow.Warehouse, flow.Centre) })
        {
            // The relay records the delivery a moment after the receipt's event: refused from then on, naming where it is.
            await Eventually.Until(async () =>
                {
                    using var response = await client.PostAsJsonAsync($"/api/v1/centres/{centre}/goods-in",
                        new { partNumber = flow.Part, bin = "A-01", serials = new[] { serial }, reference = "PO-AGAIN" });
                    return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
                }, r => r.StatusCode == HttpStatusCode.Conflict && r.Body.Contains("in the field", StringComparison.Ordinal),
                Flow.Settle, $"goods-in of installed serial {serial} at {centre} refused");
        }
        var refused = await other.Warehouse.PostAsJsonAsync($"/api/v1/centres/{other.Centre}/goods-in",
            new { partNumber = flow.Part, bin = "A-01", serials = new[] { serial }, reference = "PO-AGAIN" });
        await Flow.Refused(refused, HttpStatusCode.Conflict, $"delivered from centre {flow.Centre} on {requestId}");

        // Nothing was booked anywhere.
        Assert.Equal(before, await flow.StockAsync());
        var level = await Flow.Ok(await other.Warehouse.GetAsync($"/api/v1/centres/{other.Centre}/stock/{flow.Part}"));
        Assert.Equal(0, Flow.Number(level, "onHand"));
        Assert.Equal(0L, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE $1 = ANY(serials) AND kind = 'goods-in' AND reference = 'PO-AGAIN'", serial));
    }

    [Fact]
    public async Task A_serial_on_hand_or_in_transit_elsewhere_is_refused_naming_the_centre()
    {
        using var flow = await Flow.StockedAsync(stack, units: 2);
        using var other = await Flow.StockedAsync(stack, units: 0);
        var onHand = flow.Serials[1];
        var requestId = await flow.ReservedRequestAsync();
        await flow.ShipAsync(requestId, flow.Serials[0]);

        await Eventually.Until(async () =>
            {
                using var response = await other.Warehouse.PostAsJsonAsync($"/api/v1/centres/{other.Centre}/goods-in",
                    new { partNumber = flow.Part, bin = "A-01", serials = new[] { flow.Serials[0] }, reference = "PO-DUP" });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }, r => r.StatusCode == HttpStatusCode.Conflict && r.Body.Contains($"in transit from centre {flow.Centre}", StringComparison.Ordinal),
            Flow.Settle, "goods-in of a shipped serial refused");
        // Right after its goods-in the serial is claimed ("being taken in"); once the ledger has it, it is on hand.
        await Eventually.Until(async () =>
            {
                using var response = await other.Warehouse.PostAsJsonAsync($"/api/v1/centres/{other.Centre}/goods-in",
                    new { partNumber = flow.Part, bin = "A-01", serials = new[] { onHand }, reference = "PO-DUP" });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }, r => r.StatusCode == HttpStatusCode.Conflict && r.Body.Contains($"serial {onHand} of part {flow.Part} is on hand at centre {flow.Centre}", StringComparison.Ordinal),
            Flow.Settle, "goods-in of a serial on hand elsewhere refused");
        var level = await Flow.Ok(await other.Warehouse.GetAsync($"/api/v1/centres/{other.Centre}/stock/{flow.Part}"));
        Assert.Equal(0, Flow.Number(level, "onHand"));
    }
}
