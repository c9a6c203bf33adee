using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// The chain of custody as the custody service builds it from every other service's events: each serial's history
/// step by step after the real flows, the good/bad pairs, anomalies, duplicate and out-of-order delivery, and that
/// nothing can change a stored custody event.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CustodyFlowTests(TestStack stack)
{
    private static async Task<JsonElement> HistoryAsync(Flow f, string serial) =>
        await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{serial}/custody"));

    private static IReadOnlyList<string> Steps(JsonElement history) =>
        history.GetProperty("events").EnumerateArray().Select(e => Text(e, "businessStep")).ToList();

    private static Task<JsonElement> HistoryWithAsync(Flow f, string serial, int events) =>
        Eventually.Until(() => HistoryAsync(f, serial), h => h.GetProperty("events").GetArrayLength() >= events, Settle, $"{events} custody events of {serial}");

    private async Task PublishAsync(string topic, IMessage message, string eventId)
    {
        // Through the sidecar of the app that publishes the topic: the topic scopes refuse it on any other.
        using var dapr = stack.SidecarOf(stack.PublisherOf(topic));
        await dapr.PublishEventAsync(stack.Stack.Layout.PubsubName, topic, JsonDocument.Parse(JsonFormatter.Default.Format(message)).RootElement,
            new Dictionary<string, string> { ["cloudevent.id"] = eventId });
    }

    [Fact]
    public async Task A_swap_and_its_return_give_each_serial_an_unbroken_history_and_link_the_pair()
    {
        using var f = await StockedAsync(stack);
        var (requestId, good) = await f.DeliveredRequestAsync();
        var faulty = "FAULTY-" + f.Id;
        await f.InstallAsync(requestId, good, faulty);
        var returnId = Text(await f.ReturnOfRequestAsync(requestId), "returnId");
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(requestId, faulty)));
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
        await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [faulty], esdBagSealed: false))).IsSuccessStatusCode,
            Settle, "the centre signs for the return");
        await f.ReturnInStateAsync(returnId, "Received");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/returns/{returnId}:inspect", new { result = "confirmed-fault" }));

        // The good part: into the centre, out to the engineer, signed for on site, into the customer's equipment.
        var goodHistory = await HistoryWithAsync(f, good, 4);
        Assert.Equal(["receiving", "shipping", "receiving", "installing"], Steps(goodHistory));
        var events = goodHistory.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(($"centre:{f.Centre}", $"engineer:{f.Engineer}", "in_transit"), (Text(events[1], "fromParty"), Text(events[1], "toParty"), Text(events[1], "disposition")));
        Assert.Equal($"request:{requestId}", Text(events[1], "reference"));
        Assert.Equal($"engineer:{f.Engineer}", Text(events[2], "toParty"));
        Assert.Equal($"equipment:EQ-{f.Id}", Text(events[3], "toParty"));
        // Business order, no break: a handover comes from the previous holder; a receiving names the shipment's sender (EPCIS).
        Assert.Equal(Text(events[0], "toParty"), Text(events[1], "fromParty"));
        Assert.Equal(Text(events[1], "fromParty"), Text(events[2], "fromParty"));
        Assert.Equal(Text(events[2], "toParty"), Text(events[3], "fromParty"));

        // The faulty part: out of the equipment, packed, shipped back, received (outside a sealed bag), inspected.
        var faultyHistory = await HistoryWithAsync(f, faulty, 5);
        Assert.Equal(["removing", "packing", "shipping", "receiving", "inspecting"], Steps(faultyHistory));
        var now = await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{faulty}"));
        Assert.Equal($"centre:{f.Centre}", Text(now, "holder"));
        Assert.Equal("damaged", Text(now, "disposition"));
        Assert.Equal(good, Text(now, "replacedBy"));
        Assert.Equal(faulty, Text(await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{good}")), "replaced"));

        var anomalies = await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={faulty}")),
            a => a.GetProperty("anomalies").GetArrayLength() > 0, Settle, "the packaging anomaly");
        Assert.Equal(["packaging-non-compliant"], a(anomalies));
        Assert.Empty(a(await Ok(await f.Auditor.GetAsync($"/api/v1/custody/anomalies?serial={good}"))));

        static IReadOnlyList<string> a(JsonElement list) => list.GetProperty("anomalies").EnumerateArray().Select(x => Text(x, "kind")).ToList();
    }

    [Fact]
    public async Task A_doa_replacement_is_paired_with_the_dead_unit()
    {
        using var f = await StockedAsync(stack);
        var (requestId, dead) = await f.DeliveredRequestAsync();
        var claim = await Ok(await Eventually.Until(async () => await f.Dm.PostAsJsonAsync("/api/v1/doa-claims",
                new { requestId, serial = dead, detectedAt = "unboxing", symptom = "no power", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true }),
            r => r.IsSuccessStatusCode, Settle, "the claim filed"));
        var approved = await Ok(await f.Dm2.PostAsJsonAsync($"/api/v1/doa-claims/{Text(claim, "claimId")}:approve", new { }));
        var replacementId = Text(approved, "replacementRequestId");
        await f.RequestInStateAsync(replacementId, "Reserved");
        var spare = await f.FreeSerialAsync();
        await f.ShipAsync(replacementId, spare);

        var deadNow = await Eventually.Until(async () => await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{dead}")),
            s => Text(s, "replacedBy") == spare, Settle, "the dead unit paired with its replacement");
        Assert.Equal("needs_replacement", Text(deadNow, "disposition"));
        Assert.Equal(dead, Text(await Ok(await f.Auditor.GetAsync($"/api/v1/serials/{spare}")), "replaced"));
        Assert.Contains("shipping", Steps(await HistoryAsync(f, spare)));
    }

    [Fact]
    public async Task Duplicate_and_out_of_order_events_give_one_history_in_business_order_and_breaks_are_anomalies()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var auditor = await stack.RestAsAsync("aud-" + id, "auditor");
        var serial = "OOO-" + id;
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var goodsIn = new StockMovementRecorded
        {
            MovementId = Guid.NewGuid().ToString(), Sequence = 1, CentreId = "C1-" + id, PartNumber = "P-" + id, Kind = "goods-in", Bin = "A-01",
            Serials = { serial }, Quantity = 1, DeltaOnHand = 1, Reference = "PO-1", OccurredAt = Timestamp.FromDateTimeOffset(at),
        };
        // Packed by an engineer two minutes later, but delivered first.
        var packed = new ReturnChanged
        {
            ReturnId = "RT-" + id, Step = "packed", State = "Packed", EngineerId = "eng-" + id, CentreId = "C1-" + id, PartNumber = "P-" + id,
            Serial = serial, By = "eng-" + id, OccurredAt = Timestamp.FromDateTimeOffset(at.AddMinutes(2)),
        };
        await PublishAsync(EventTopics.ReturnChanged, packed, "custody-packed-" + id);
        await PublishAsync(EventTopics.StockMovementRecorded, goodsIn, "custody-goods-in-" + id);
        await PublishAsync(EventTopics.StockMovementRecorded, goodsIn, "custody-goods-in-" + id); // redelivered

        var history = await Eventually.Until(async () => await Ok(await auditor.GetAsync($"/api/v1/serials/{serial}/custody")),
            h => h.GetProperty("events").GetArrayLength() >= 2, Settle, "both events recorded");
        await Eventually.Never(async () => (await Ok(await auditor.GetAsync($"/api/v1/serials/{serial}/custody"))).GetProperty("events").GetArrayLength() > 2,
            TimeSpan.FromSeconds(2), "the redelivered goods-in recorded twice");
        Assert.Equal(["receiving", "packing"], Steps(history));
        // The engineer never held it: packing by them breaks the chain.
        var breaks = await Eventually.Until(async () => await Ok(await auditor.GetAsync($"/api/v1/custody/anomalies?serial={serial}")),
            a => a.GetProperty("anomalies").GetArrayLength() > 0, Settle, "the break reported");
        Assert.Contains(breaks.GetProperty("anomalies").EnumerateArray(), x => Text(x, "kind") == "handover-from-non-holder");

        // The same serial booked in at a second centre while the first holds it: a serial in two places.
        var elsewhere = goodsIn.Clone();
        elsewhere.MovementId = Guid.NewGuid().ToString();
        elsewhere.CentreId = "C2-" + id;
        elsewhere.OccurredAt = Timestamp.FromDateTimeOffset(at.AddMinutes(5));
        await PublishAsync(EventTopics.StockMovementRecorded, elsewhere, "custody-goods-in-2-" + id);
        await Eventually.Until(async () => (await Ok(await auditor.GetAsync($"/api/v1/custody/anomalies?serial={serial}&kind=serial-in-two-places")))
            .GetProperty("anomalies").GetArrayLength() == 1, Settle, "the serial in two places reported");
        Assert.True(await stack.ScalarAsync<long>("SELECT count(*) FROM custody.outbox WHERE topic = 'custody-anomaly-detected' AND payload->>'serial' = $1", serial) >= 2);
    }

    [Fact]
    public async Task No_api_changes_a_stored_custody_event()
    {
        // Every method reads, except ResolveAnomaly, which adds its own record beside the anomaly (its tests show the
        // ledger and the anomaly unchanged); none edits a stored custody event.
        var methods = Logistics.Custody.V1.CustodyService.Descriptor.Methods.Select(m => m.Name).Where(m => m != "ResolveAnomaly").ToList();
        Assert.All(methods, m => Assert.True(m.StartsWith("Get", StringComparison.Ordinal) || m.StartsWith("List", StringComparison.Ordinal), $"{m} is not a read"));

        using var admin = await stack.RestAsAsync("admin-custody", "admin", "auditor", "supervisor");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        foreach (var path in new[] { "/api/v1/serials/ANY-1/custody", "/api/v1/serials/ANY-1", "/api/v1/custody/anomalies" })
        {
            using var response = await admin.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{method} {path} answered {(int)response.StatusCode}");
        }

        // And the table refuses it even to a connection that owns it.
        var serial = "RO-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(EventTopics.StockMovementRecorded, new StockMovementRecorded
        {
            MovementId = Guid.NewGuid().ToString(), Sequence = 1, CentreId = "C-RO", PartNumber = "P-RO", Kind = "goods-in", Bin = "A-01",
            Serials = { serial }, Quantity = 1, DeltaOnHand = 1, OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, "custody-ro-" + serial);
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM custody.custody_events WHERE serial = $1", serial) == 1,
            Settle, "the event stored");
        foreach (var sql in new[] { "UPDATE custody.custody_events SET disposition = 'destroyed' WHERE serial = $1", "DELETE FROM custody.custody_events WHERE serial = $1" })
        {
            await using var cmd = stack.Database.CreateCommand(sql);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = serial });
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync());
        }
        Assert.Equal("available", await stack.ScalarAsync<string>("SELECT disposition FROM custody.custody_events WHERE serial = $1", serial));
    }
}
