using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.EndToEnd.Tests;

/// <summary>Inventory's stock through the gateway: catalogue, centres, goods-in, reservations, the ledger, reconcile and rebuild.</summary>
[Collection(StackCollection.Name)]
public sealed class InventoryStockTests(TestStack stack)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private sealed record Setup(string Centre, string Serialized, string Bulk, HttpClient Admin, HttpClient Warehouse) : IDisposable
    {
        public void Dispose()
        {
            Admin.Dispose();
            Warehouse.Dispose();
        }
    }

    private async Task<Setup> CentreWithPartsAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var admin = await stack.RestAsAsync("admin1", "admin");
        // The warehouse user works for the centre and for the second centre some tests define next to it.
        var warehouse = await stack.RestAsAsync("w1", ["warehouse"], [$"SZ-{id}", $"SZ-{id}-B"]);
        var setup = new Setup($"SZ-{id}", $"BRD-{id}", $"CBL-{id}", admin, warehouse);
        (await admin.PutAsJsonAsync($"/api/v1/centres/{setup.Centre}", new { name = "Shenzhen", bins = new[] { "A-01", "A-02" } })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/parts/{setup.Serialized}", new { description = "Main control board", serialized = true })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/parts/{setup.Bulk}", new { description = "Fibre cable", serialized = false, unit = "pcs" })).EnsureSuccessStatusCode();
        return setup;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> Stock(Setup s, string part) => await Json(await s.Warehouse.GetAsync($"/api/v1/centres/{s.Centre}/stock/{part}"));

    private static long Measure(JsonElement level, string name) => level.TryGetProperty(name, out var v) ? v.GetInt64() : 0;

    private async Task<JsonElement> ReconcileAsync(Setup s) => await Json(await s.Admin.PostAsJsonAsync($"/api/v1/centres/{s.Centre}:reconcile", new { }));

    [Fact]
    public async Task A_changed_centre_or_part_is_used_by_the_next_stock_call_at_once()
    {
        // The stock calls remember centres and parts for a moment (CatalogueCache); a change through the API is
        // forgotten as soon as it commits, so the very next call sees the new bins and the new unit.
        using var s = await CentreWithPartsAsync();
        await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = 5 }));
        var refused = await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "B-07", quantity = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        await Json(await s.Admin.PutAsJsonAsync($"/api/v1/centres/{s.Centre}", new { name = "Shenzhen", bins = new[] { "A-01", "A-02", "B-07" } }));
        var received = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "B-07", quantity = 5 }));
        Assert.Equal(10, Measure(received.GetProperty("level"), "onHand"));

        var unknown = $"NEW-{s.Bulk}";
        var notYet = await s.Warehouse.GetAsync($"/api/v1/centres/{s.Centre}/stock/{unknown}");
        Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
        await Json(await s.Admin.PutAsJsonAsync($"/api/v1/parts/{unknown}", new { description = "Fibre cable, 5 m", serialized = false, unit = "pcs" }));
        Assert.Equal(0, Measure(await Stock(s, unknown), "onHand"));
    }

    [Fact]
    public async Task Goods_in_reserve_and_release_move_the_levels_and_the_ledger_agrees()
    {
        using var s = await CentreWithPartsAsync();

        var goodsIn = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in",
            new { partNumber = s.Serialized, bin = "A-01", serials = new[] { "SN-1", "SN-2", "SN-3" }, reference = "PO-1" }));
        Assert.Equal(3, Measure(goodsIn.GetProperty("level"), "onHand"));
        Assert.Equal("goods-in", goodsIn.GetProperty("movement").GetProperty("kind").GetString());

        var reservation = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/reservations",
            new { partNumber = s.Serialized, quantity = 2, reference = "REQ-1" }));
        Assert.Equal("reserved", reservation.GetProperty("state").GetString());
        var level = await Stock(s, s.Serialized);
        Assert.Equal((3, 2, 1), (Measure(level, "onHand"), Measure(level, "reserved"), Measure(level, "available")));

        var reservationId = reservation.GetProperty("reservationId").GetString()!;
        var released = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/reservations/{reservationId}:release", new { }));
        Assert.Equal("released", released.GetProperty("state").GetString());
        Assert.Equal(0, Measure(await Stock(s, s.Serialized), "reserved"));

        using var again = await s.Warehouse.PostAsJsonAsync($"/api/v1/reservations/{reservationId}:release", new { });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // FAILED_PRECONDITION: releasing more than is reserved

        var serials = await Json(await s.Warehouse.GetAsync($"/api/v1/centres/{s.Centre}/serials?partNumber={s.Serialized}"));
        Assert.Equal(["SN-1", "SN-2", "SN-3"], serials.GetProperty("serials").EnumerateArray().Select(e => e.GetProperty("serial").GetString()).Order());

        // The stream drains into the Postgres ledger, in order. The goods-in is published to everyone who follows units; a
        // reservation made through the API (not a request's) has no subscriber, so it stays in the ledger only.
        var movements = await Eventually.Until(async () => await Json(await s.Warehouse.GetAsync($"/api/v1/centres/{s.Centre}/movements?partNumber={s.Serialized}")),
            m => m.GetProperty("movements").GetArrayLength() == 3, Settle, "three movements in the ledger");
        Assert.Equal(["goods-in", "reserved", "released"], movements.GetProperty("movements").EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
                "SELECT count(*) FROM inventory.outbox WHERE topic = 'stock-movement-recorded' AND payload->>'centreId' = $1 AND published_at IS NOT NULL", s.Centre) == 1,
            Settle, "the goods-in published");
        Assert.Equal("goods-in", await stack.ScalarAsync<string>(
            "SELECT string_agg(payload->>'kind', ',' ORDER BY id) FROM inventory.outbox WHERE topic = 'stock-movement-recorded' AND payload->>'centreId' = $1", s.Centre));
        Assert.Equal(0, await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.outbox WHERE topic = 'stock-reservation-changed' AND payload->>'centreId' = $1", s.Centre));
        Assert.Empty((await ReconcileAsync(s)).GetProperty("differences").EnumerateArray());
    }

    [Fact]
    public async Task Refused_stock_calls_name_the_problem_and_change_nothing()
    {
        using var s = await CentreWithPartsAsync();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { "SN-1" } })).EnsureSuccessStatusCode();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-02", quantity = 10 })).EnsureSuccessStatusCode();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString + ",allowAdmin=true");
        var before = await SnapshotAsync(redis, s.Centre);
        using var engineer = await stack.RestAsAsync("e1", "engineer");

        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string named)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
            if (named != "") Assert.Contains(named, body);
        }

        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { "SN-1" } }), HttpStatusCode.Conflict, "SN-1");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = "NO-SUCH-PART", bin = "A-01", quantity = 1 }), HttpStatusCode.NotFound, "NO-SUCH-PART");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "Z-99", quantity = 1 }), HttpStatusCode.BadRequest, "bin");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = 0 }), HttpStatusCode.BadRequest, "quantity");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = -5 }), HttpStatusCode.BadRequest, "quantity");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/reservations", new { partNumber = s.Bulk, quantity = 11 }), HttpStatusCode.BadRequest, "available");
        await Refused(await s.Warehouse.PostAsJsonAsync($"/api/v1/reservations/{s.Centre}.RNOSUCH:release", new { }), HttpStatusCode.NotFound, "");
        await Refused(await engineer.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = 1 }), HttpStatusCode.Forbidden, "");
        await Refused(await s.Warehouse.PostAsJsonAsync("/api/v1/centres/NO-CENTRE/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = 1 }), HttpStatusCode.NotFound, "NO-CENTRE");

        Assert.Equal(before, await SnapshotAsync(redis, s.Centre));
    }

    [Fact]
    public async Task A_serial_held_at_one_centre_cannot_be_received_at_another()
    {
        using var s = await CentreWithPartsAsync();
        var other = s.Centre + "-B";
        (await s.Admin.PutAsJsonAsync($"/api/v1/centres/{other}", new { name = "Beijing", bins = new[] { "K-01" } })).EnsureSuccessStatusCode();
        var serial = "SN-X-" + s.Centre;
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { serial } })).EnsureSuccessStatusCode();
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE centre_id = $1", s.Centre) == 1,
            Settle, "the goods-in to reach the ledger");

        using var elsewhere = await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{other}/goods-in", new { partNumber = s.Serialized, bin = "K-01", serials = new[] { serial } });

        Assert.Equal(HttpStatusCode.Conflict, elsewhere.StatusCode);
        Assert.Contains(s.Centre, await elsewhere.Content.ReadAsStringAsync());
        Assert.Equal(0, Measure(await Json(await s.Warehouse.GetAsync($"/api/v1/centres/{other}/stock/{s.Serialized}")), "onHand"));
    }

    [Fact]
    public async Task A_retried_goods_in_with_the_same_idempotency_key_changes_nothing_twice()
    {
        using var s = await CentreWithPartsAsync();
        async Task<HttpResponseMessage> GoodsIn(int quantity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{s.Centre}/goods-in")
            { Content = JsonContent.Create(new { partNumber = s.Bulk, bin = "A-01", quantity }) };
            request.Headers.Add("Idempotency-Key", "delivery-note-77");
            return await s.Warehouse.SendAsync(request);
        }

        var first = await Json(await GoodsIn(4));
        var retried = await Json(await GoodsIn(4));
        using var otherBody = await GoodsIn(5);

        Assert.Equal(first.GetProperty("movement").GetProperty("movementId").GetString(), retried.GetProperty("movement").GetProperty("movementId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, otherBody.StatusCode);
        Assert.Equal(4, Measure(await Stock(s, s.Bulk), "onHand"));
    }

    [Fact]
    public async Task Approved_requests_reserve_or_backorder_and_cancelled_ones_release_through_events()
    {
        using var s = await CentreWithPartsAsync();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-01", quantity = 2 })).EnsureSuccessStatusCode();
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        // Each topic through the sidecar of the app that publishes it: the topic scopes refuse it on any other.
        async Task Publish(string topic, Google.Protobuf.IMessage message, string eventId)
        {
            using var dapr = stack.SidecarOf(stack.PublisherOf(topic));
            await dapr.PublishEventAsync("logistics-pubsub", topic, JsonDocument.Parse(Google.Protobuf.JsonFormatter.Default.Format(message)).RootElement,
                new Dictionary<string, string> { ["cloudevent.id"] = eventId });
        }

        var first = new PartRequestApproved { RequestId = "REQ-A-" + s.Centre, CentreId = s.Centre, PartNumber = s.Bulk, Quantity = 2, ServiceLevel = "5x9xNBD", RequestedAt = now, ApprovedAt = now };
        await Publish(EventTopics.PartRequestApproved, first, "evt-a-" + s.Centre);
        await Publish(EventTopics.PartRequestApproved, first, "evt-a-" + s.Centre); // redelivered
        await Eventually.Until(async () => Measure(await Stock(s, s.Bulk), "reserved") == 2, Settle, "the approved request to be reserved");

        var urgent = new PartRequestApproved { RequestId = "REQ-B-" + s.Centre, CentreId = s.Centre, PartNumber = s.Bulk, Quantity = 1, ServiceLevel = "7x24x4", RequestedAt = now, ApprovedAt = now };
        await Publish(EventTopics.PartRequestApproved, urgent, "evt-b-" + s.Centre);
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'backordered'", s.Centre) == 1, Settle, "the short request to be backordered");

        await Publish(EventTopics.PartRequestCancelled, new PartRequestCancelled { RequestId = first.RequestId, CentreId = s.Centre, CancelledAt = now }, "evt-c-" + s.Centre);
        // The release frees two units and serves the backorder (one unit) at once.
        await Eventually.Until(async () => Measure(await Stock(s, s.Bulk), "reserved") == 1, Settle, "the cancel to release and the backorder to be served");
        var level = await Stock(s, s.Bulk);
        Assert.Equal(2, Measure(level, "onHand"));
        Assert.Equal(1, Measure(level, "available"));
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'reserved' AND reference = $2", s.Centre, urgent.RequestId) == 1, Settle, "the served backorder in the ledger");
    }

    [Fact]
    public async Task Shipped_delivered_returned_and_inspected_parts_move_through_the_stock_by_events()
    {
        using var s = await CentreWithPartsAsync();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { "G-1", "G-2" } })).EnsureSuccessStatusCode();
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var request = "REQ-F-" + s.Centre;
        // Each topic through the sidecar of the app that publishes it: the topic scopes refuse it on any other.
        async Task Publish(string topic, Google.Protobuf.IMessage message, string eventId)
        {
            using var dapr = stack.SidecarOf(stack.PublisherOf(topic));
            await dapr.PublishEventAsync("logistics-pubsub", topic, JsonDocument.Parse(Google.Protobuf.JsonFormatter.Default.Format(message)).RootElement,
                new Dictionary<string, string> { ["cloudevent.id"] = eventId + s.Centre });
        }
        async Task Expect(string what, long onHand, long reserved, long inTransit, long faulty, long quarantined) =>
            await Eventually.Until(async () =>
            {
                var l = await Stock(s, s.Serialized);
                return (Measure(l, "onHand"), Measure(l, "reserved"), Measure(l, "inTransit"), Measure(l, "faulty"), Measure(l, "quarantined"));
            }, l => l == (onHand, reserved, inTransit, faulty, quarantined), Settle, what);

        await Publish(EventTopics.PartRequestApproved, new PartRequestApproved { RequestId = request, CentreId = s.Centre, PartNumber = s.Serialized, Quantity = 1, ServiceLevel = "7x24x4", RequestedAt = now, ApprovedAt = now }, "approved");
        await Expect("reserved", 2, 1, 0, 0, 0);
        var shipped = new PartRequestShipped { RequestId = request, CentreId = s.Centre, PartNumber = s.Serialized, Serials = { "G-2" }, Quantity = 1, ShippedAt = now };
        await Publish(EventTopics.PartRequestShipped, shipped, "shipped");
        await Publish(EventTopics.PartRequestShipped, shipped, "shipped"); // redelivered: no second shipment
        await Expect("shipped", 1, 0, 1, 0, 0);
        await Publish(EventTopics.ReceiptSigned, new ReceiptSigned { ReceiptId = "RC-1" + s.Centre, Kind = "centre-to-engineer", Reference = request, CentreId = s.Centre, PartNumber = s.Serialized, Serials = { "G-2" }, Quantity = 1, SignedAt = now }, "delivered");
        await Expect("delivered", 1, 0, 0, 0, 0);
        await Publish(EventTopics.ReceiptSigned, new ReceiptSigned { ReceiptId = "RC-2" + s.Centre, Kind = "engineer-to-centre", Faulty = true, Reference = "RET-1", CentreId = s.Centre, PartNumber = s.Serialized, Serials = { "BAD-9" }, Quantity = 1, SignedAt = now }, "returned");
        await Expect("faulty part received", 1, 0, 0, 1, 0);
        await Publish(EventTopics.ReturnInspected, new ReturnInspected { ReturnId = "RET-1" + s.Centre, CentreId = s.Centre, PartNumber = s.Serialized, Serial = "BAD-9", Result = "confirmed-fault", InspectedAt = now }, "inspected");
        await Expect("quarantined after inspection", 1, 0, 0, 0, 1);

        var serials = await Json(await s.Warehouse.GetAsync($"/api/v1/centres/{s.Centre}/serials?partNumber={s.Serialized}"));
        Assert.Equal(["G-1"], serials.GetProperty("serials").EnumerateArray().Select(e => e.GetProperty("serial").GetString()));
        Assert.Empty((await ReconcileAsync(s)).GetProperty("differences").EnumerateArray());
    }

    [Fact]
    public async Task After_redis_loses_a_centre_rebuild_from_the_ledger_restores_it_and_reconcile_agrees()
    {
        using var s = await CentreWithPartsAsync();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { "SN-7", "SN-8" } })).EnsureSuccessStatusCode();
        (await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Bulk, bin = "A-02", quantity = 9 })).EnsureSuccessStatusCode();
        var reservation = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/reservations", new { partNumber = s.Bulk, quantity = 4, reference = "REQ-9" }));
        Assert.Empty((await ReconcileAsync(s)).GetProperty("differences").EnumerateArray());
        var before = (await Stock(s, s.Serialized), await Stock(s, s.Bulk));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(stack.Stack.Redis.ConnectionString);
        await foreach (var key in server.KeysAsync(pattern: $"inv:{{{s.Centre}}}:*")) await redis.GetDatabase().KeyDeleteAsync(key);
        var lost = await ReconcileAsync(s);
        Assert.Contains(lost.GetProperty("differences").EnumerateArray(), d => d.GetProperty("measure").GetString() == "on_hand");

        var rebuilt = await Json(await s.Admin.PostAsJsonAsync($"/api/v1/centres/{s.Centre}:rebuild", new { }));

        Assert.Empty(rebuilt.GetProperty("differences").EnumerateArray());
        Assert.Equal(before.Item1.ToString(), (await Stock(s, s.Serialized)).ToString());
        Assert.Equal(before.Item2.ToString(), (await Stock(s, s.Bulk)).ToString());
        // The restored reservation can still be released.
        var released = await Json(await s.Warehouse.PostAsJsonAsync($"/api/v1/reservations/{reservation.GetProperty("reservationId").GetString()}:release", new { }));
        Assert.Equal("released", released.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Inventory_killed_in_the_middle_of_a_burst_loses_no_movement_and_doubles_none()
    {
        using var s = await CentreWithPartsAsync();
        var accepted = 0;
        var burst = Enumerable.Range(0, 30).Select(async i =>
        {
            try
            {
                using var response = await s.Warehouse.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Serialized, bin = "A-01", serials = new[] { $"K-{i}" } });
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref accepted);
            }
            catch (HttpRequestException) { } // the connection died with the service
        }).ToList();
        await Task.Delay(150); // let part of the burst land
        stack.Stack.Kill("inventory"); // kill -9, with movements in the stream not yet drained into the ledger
        await Task.WhenAll(burst);
        await stack.Stack.RestartAsync("inventory");

        // Whatever Redis accepted reaches the ledger and the outbox exactly once, and the two agree.
        var onHand = Measure(await Stock(s, s.Serialized), "onHand");
        Assert.True(onHand >= accepted, $"{accepted} goods-in answered OK but only {onHand} on hand");
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE centre_id = $1", s.Centre) == onHand,
            Settle, "every accepted movement in the ledger");
        Assert.Equal(onHand, await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.outbox WHERE topic = 'stock-movement-recorded' AND payload->>'centreId' = $1", s.Centre));
        Assert.Equal(0, await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.outbox WHERE topic = 'stock-reservation-changed' AND payload->>'centreId' = $1", s.Centre)); // goods-in reserves nothing
        Assert.Empty((await ReconcileAsync(s)).GetProperty("differences").EnumerateArray());
    }

    /// <summary>Every key of the centre with its type and content, for "nothing changed" checks.</summary>
    private static async Task<string> SnapshotAsync(ConnectionMultiplexer redis, string centre)
    {
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var lines = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"inv:{{{centre}}}:*"))
        {
            var type = await db.KeyTypeAsync(key);
            var content = type switch
            {
                RedisType.Hash => string.Join(",", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order()),
                RedisType.SortedSet => string.Join(",", (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}:{e.Score}")),
                // Only what a command changes: the relay trims drained entries at any time.
                RedisType.Stream => "last=" + (await db.StreamInfoAsync(key)).LastGeneratedId,
                _ => (string?)await db.StringGetAsync(key) ?? "",
            };
            lines.Add($"{key} {type} {content}");
        }
        return string.Join("\n", lines.Order());
    }
}
