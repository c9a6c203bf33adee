using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// A transfer between centres lost in transit, through the gateway (docs/lost-in-transit.md, docs/transfers.md): shipped
/// and never received, it is investigated once its deliver-by (shipped + 3 days) and the two days' grace have passed; the
/// sending centre's warehouse proposes the loss, a supervisor other than the proposer approves it, the serials leave the
/// SENDING centre's transit as lost, custody records them with nobody, a later receipt of one is refused, and the
/// invariants hold.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TransferLostInTransitFlowTests(TestStack stack)
{
    /// <summary>Past the transfer's deliver-by (shipped + 3 days) and the two days' grace.</summary>
    private static readonly TimeSpan PastGrace = TimeSpan.FromDays(5) + TimeSpan.FromHours(2);

    private static async Task<JsonElement> SendAsync(HttpClient by, string path, object body, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", key);
        return await Ok(await by.SendAsync(message));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient by, string path, object body, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", key);
        return await by.SendAsync(message);
    }

    /// <summary>
    /// A receiving centre (<paramref name="prefix"/>-id, one bin) with its warehouse user, and a transfer of two of the
    /// flow's serials to it, requested, picked and shipped in ESD packaging.
    /// </summary>
    private async Task<(string To, HttpClient ToWarehouse, string TransferId, string[] Picked)> ShippedTransferAsync(Flow f, string prefix)
    {
        var to = $"{prefix}-{f.Id}";
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/centres/{to}", new { name = "Receiving centre", bins = new[] { "B-01" } }));
        var toWarehouse = await stack.RestAsAsync($"wh{prefix.ToLowerInvariant()}-{f.Id}", ["warehouse"], [to]);
        var id = Text(await SendAsync(toWarehouse, $"/api/v1/centres/{to}/transfers", new { fromCentreId = f.Centre, partNumber = f.Part, quantity = 2 },
            $"{prefix}req-{f.Id}"), "transferId");
        string[] picked = [f.Serials[0], f.Serials[1]];
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:pick", new { serials = picked }, $"{prefix}pick-{f.Id}");
        await SendAsync(f.Warehouse, $"/api/v1/transfers/{id}:ship", new { carrier = "SF", trackingNumber = $"SF{prefix}-{f.Id}", esdPackaging = true },
            $"{prefix}ship-{f.Id}");
        return (to, toWarehouse, id, picked);
    }

    [Fact]
    public async Task A_transfer_never_received_is_investigated_and_written_off_out_of_the_senders_transit()
    {
        var f = await StockedAsync(stack);
        using var _ = f;
        var (to, toWarehouse, id, picked) = await ShippedTransferAsync(f, "R");
        using var _receiving = toWarehouse;
        var reference = "transfer-" + id;
        var investigation = "TI-" + reference;
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
                "SELECT count(*) FROM receipts.shipments WHERE reference = $1 AND kind = 'centre-to-centre' AND deliver_by IS NOT NULL", reference) == 1,
            Settle, $"receipts knows transfer {id} and its deliver-by");

        var moved = TimeSpan.Zero;
        try
        {
            moved = stack.MoveClock(PastGrace);
            var opened = await Eventually.Until(async () =>
            {
                var response = await f.Sup.GetAsync($"/api/v1/transit-investigations/{investigation}");
                return response.IsSuccessStatusCode ? await Ok(response) : default;
            }, i => i.ValueKind == JsonValueKind.Object && Text(i, "state") == "Open", Settle, $"investigation of transfer {id} open");
            // Shown at the sending centre, addressed to the receiving one.
            Assert.Equal((f.Centre, to, reference), (Text(opened, "centreId"), Text(opened, "engineerId"), Text(opened, "reference")));

            await SendAsync(f.Warehouse, $"/api/v1/transit-investigations/{investigation}:propose-loss", new { carrierClaimReference = "SF-CLM-" + f.Id }, "p-" + f.Id);
            var written = await SendAsync(f.Sup2, $"/api/v1/transit-investigations/{investigation}:approve-write-off", new { }, "a-" + f.Id);
            Assert.Equal("WrittenOff", Text(written, "state"));

            // Both serials leave the sending centre's transit as lost; the one left on the shelf stays.
            await Eventually.Until(async () =>
            {
                var level = await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{f.Centre}/stock/{f.Part}"));
                return (Number(level, "onHand"), Number(level, "inTransit"));
            }, l => l == (1, 0), Settle, "the lost serials left the sender's transit");
            await Eventually.Until(() => stack.ScalarAsync<long>(
                    "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'lost-in-transit' AND reference = $2", f.Centre, id),
                n => n == 1, Settle, "one lost-in-transit movement for the transfer");
            foreach (var serial in picked)
                await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}")),
                    s => Text(s, "holder") == "lost" && Text(s, "location") == "lost", Settle, $"custody: {serial} lost");
            var transfer = await Ok(await toWarehouse.GetAsync($"/api/v1/transfers/{id}"));
            Assert.Empty(Strings(transfer, "inTransitSerials"));

            // The carrier delivers one after all: the receipt is refused, naming the serials; nothing moves.
            await Refused(await PostAsync(toWarehouse, $"/api/v1/transfers/{id}:receive", new { serials = new[] { picked[0] }, bin = "B-01" }, "rcv-" + f.Id),
                HttpStatusCode.BadRequest, "serials");
            await stack.AssertInvariantsAsync(centres: [f.Centre, to]);
        }
        finally
        {
            stack.MoveClock(-moved);
        }
    }

    [Fact]
    public async Task A_transfer_closed_with_a_unit_missing_is_investigated_for_that_unit_and_it_alone_is_written_off()
    {
        var f = await StockedAsync(stack);
        using var _ = f;
        var (to, toWarehouse, id, picked) = await ShippedTransferAsync(f, "M");
        using var _receiving = toWarehouse;
        // One arrives; the receiving centre closes the receipt with the other missing. It stays in the sender's transit.
        var closed = await SendAsync(toWarehouse, $"/api/v1/transfers/{id}:receive", new { serials = new[] { picked[0] }, bin = "B-01", final = true }, "mrcv-" + f.Id);
        Assert.Equal("Received", Text(closed, "state"));
        Assert.Equal([picked[1]], Strings(closed, "missingSerials"));
        var reference = "transfer-" + id;
        var investigation = "TI-" + reference;
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM receipts.transit_watch WHERE reference = $1 AND units = 1", reference) == 1,
            Settle, $"receipts watches the one unit of transfer {id} not received");
        await Eventually.Until(async () => Number(await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{f.Centre}/stock/{f.Part}")), "inTransit"),
            n => n == 1, Settle, "the missing unit is still in the sender's transit");

        var moved = TimeSpan.Zero;
        try
        {
            moved = stack.MoveClock(PastGrace);
            var opened = await Eventually.Until(async () =>
            {
                var response = await f.Sup.GetAsync($"/api/v1/transit-investigations/{investigation}");
                return response.IsSuccessStatusCode ? await Ok(response) : default;
            }, i => i.ValueKind == JsonValueKind.Object && Text(i, "state") == "Open", Settle, $"investigation of transfer {id} open");
            Assert.Equal((1, 2), (opened.GetProperty("quantity").GetInt32(), opened.GetProperty("shippedQuantity").GetInt32()));

            await SendAsync(f.Warehouse, $"/api/v1/transit-investigations/{investigation}:propose-loss", new { carrierClaimReference = "SFM-CLM-" + f.Id }, "mp-" + f.Id);
            await SendAsync(f.Sup2, $"/api/v1/transit-investigations/{investigation}:approve-write-off", new { }, "ma-" + f.Id);

            await Eventually.Until(async () => Number(await Ok(await f.Auditor.GetAsync($"/api/v1/centres/{f.Centre}/stock/{f.Part}")), "inTransit"),
                n => n == 0, Settle, "the missing unit left the sender's transit");
            await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{picked[1]}")),
                s => Text(s, "holder") == "lost", Settle, $"custody: {picked[1]} lost");
            var received = await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{picked[0]}"));
            Assert.NotEqual("lost", Text(received, "holder"));
            var transfer = await Ok(await toWarehouse.GetAsync($"/api/v1/transfers/{id}"));
            Assert.Equal([picked[1]], Strings(transfer, "lostSerials"));
            await stack.AssertInvariantsAsync(centres: [f.Centre, to]);
        }
        finally
        {
            stack.MoveClock(-moved);
        }
    }
}
