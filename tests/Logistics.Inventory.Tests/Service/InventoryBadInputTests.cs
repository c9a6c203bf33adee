using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.BadInput;
using static Logistics.Testing.JsonEdits;

namespace Logistics.Inventory.Tests.Service;

/// <summary>
/// The bad-input sweep of inventory's REST API (catalogue, centres, stock, counts), against the service alone: one row per
/// bad call (see <see cref="BadInput"/>), each answered with the row's status, gRPC code and field, and none may write:
/// every table of inventory's schema, and its stock and serials in Redis, read the same before and after. The rows run
/// against one world: a stocked centre (3 serials of a board in A-01), a quantity-tracked cable (10 in A-02), a
/// reservation, a count of the cable in progress and a count of bin A-01 ready to review.
/// </summary>
[Collection(InventoryServiceCollection.Name)]
public sealed class InventoryBadInputTests(InventoryHost inventory)
{
    private const string Admin = "admin", Warehouse = "warehouse", Supervisor = "supervisor", Auditor = "auditor";

    private const string PartBody = """{"description":"Main control board","serialized":true}""";
    private const string CentreBody = """{"name":"Spare-part centre","bins":["A-01","A-02"]}""";
    private const string GoodsIn = """{"partNumber":"{part}","bin":"A-01","serials":["GI-{id}-1"],"reference":"PO-{id}"}""";
    private const string BulkIn = """{"partNumber":"{cable}","bin":"A-02","quantity":5,"reference":"PO-{id}"}""";
    private const string Reserve = """{"partNumber":"{part}","quantity":1,"reference":"REF-{id}"}""";
    private const string CableLine = """{"lines":[{"bin":"","partNumber":"{cable}","countedQuantity":10}]}""";

    public static readonly Case[] Inventory =
    [
        Invalid("put part: description empty", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", ""), "description"),
        Invalid("put part: description whitespace", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "   "), "description"),
        Invalid("put part: description 10,000 characters", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "{long}"), "description"),
        Invalid("put part: description with a control character", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "board\u0007"), "description"),
        Invalid("put part: description missing", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.Without("description"), "description"),
        Invalid("put part: part_number in Chinese", Admin, Put, "/api/v1/parts/部件-{id}", PartBody, "part_number"),
        Invalid("put part: part_number with a space", Admin, Put, "/api/v1/parts/NEW%20{id}", PartBody, "part_number"),
        Invalid("put part: part_number with a control character", Admin, Put, "/api/v1/parts/NEW%01{id}", PartBody, "part_number"),
        Invalid("put part: part_number of 300 characters", Admin, Put, "/api/v1/parts/{id}{long300}", PartBody, "part_number"),
        new("put part: part_number of 10,000 characters is a URI too long", Admin, Put, "/api/v1/parts/{id}{long}", PartBody, [HttpStatusCode.RequestUriTooLong], null, ""),
        Invalid("put part: a serialized part in kg", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("unit", "kg"), "unit"),
        Invalid("put part: unit not a code", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("serialized", false).With("unit", "k g"), "unit"),
        Invalid("put part: serialized is a string", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("serialized", Raw("\"yes\"")), "serialized"),
        Malformed("put part: malformed JSON", Admin, Put, "/api/v1/parts/NEW-{id}", """{"description":"Main control board",""" ),
        Malformed("put part: not JSON at all", Admin, Put, "/api/v1/parts/NEW-{id}", "description=board"),
        Malformed("put part: body is JSON null", Admin, Put, "/api/v1/parts/NEW-{id}", "null"),
        Malformed("put part: body is an array", Admin, Put, "/api/v1/parts/NEW-{id}", "[]"),
        Invalid("put part: an idempotency key of 200 characters", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody, "idempotency-key") with { Key = new string('k', 200) },
        WrongState("put part: switch an existing part to quantity tracking", Admin, Put, "/api/v1/parts/{part}", PartBody.With("serialized", false), "{part}"),

        Invalid("put centre: name empty", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("name", ""), "name"),
        Invalid("put centre: name 10,000 characters", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("name", "{long}"), "name"),
        Invalid("put centre: no bins", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("[]")), "bins"),
        Invalid("put centre: a bin with a space", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("""["A 01"]""")), "bins"),
        Invalid("put centre: a bin listed twice", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("""["A-01","A-01"]""")), "bins"),
        Invalid("put centre: a bin that is null", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("[null]")), "bins"),
        Invalid("put centre: bins is a string", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", "A-01"), "bins"),
        Invalid("put centre: centre_id in Chinese", Admin, Put, "/api/v1/centres/中心-{id}", CentreBody, "centre_id"),
        Invalid("put centre: time_zone not an IANA id", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("timeZone", "Beijing time"), "time_zone"),
        Invalid("put centre: time_zone unknown", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("timeZone", "Mars/Olympus_Mons"), "time_zone"),
        Invalid("put centre: calendar_id with a space", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("calendarId", "c n"), "calendar_id"),
        WrongState("put centre: remove a bin of an existing centre", Admin, Put, "/api/v1/centres/{centre}", CentreBody.With("bins", Raw("""["A-01"]""")), "A-02"),

        Invalid("goods-in: a bin the centre does not have", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("bin", "Z-99"), "bin"),
        Invalid("goods-in: a serialized part without serials", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.Without("serials").With("quantity", 1), "serials"),
        Invalid("goods-in: a serial with a space", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI {id}"]""")), "serials"),
        Invalid("goods-in: a serial listed twice", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI-{id}-1","GI-{id}-1"]""")), "serials"),
        Invalid("goods-in: a serial of 10,000 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["{long}"]""")), "serials"),
        Invalid("goods-in: a serial with a control character", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI-{id}\u0000"]""")), "serials"),
        Invalid("goods-in: quantity zero", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", 0), "quantity"),
        Invalid("goods-in: quantity negative", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", -5), "quantity"),
        Invalid("goods-in: quantity beyond int32", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", Raw("99999999999")), "quantity"),
        Invalid("goods-in: quantity fractional", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", Raw("1.5")), "quantity"),
        Invalid("goods-in: serials for a quantity-tracked part", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("serials", Raw("""["GI-{id}-2"]""")), "serials"),
        Invalid("goods-in: reference 10,000 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("reference", "{long}"), "reference"),
        Invalid("goods-in: part_number empty", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("partNumber", ""), "part_number"),
        Unknown("goods-in: a part not in the catalogue", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("partNumber", "NO-PART-{id}"), "NO-PART-{id}"),
        Unknown("goods-in: an unknown centre", Warehouse, Post, "/api/v1/centres/NO-CENTRE-{id}/goods-in", GoodsIn, "NO-CENTRE-{id}"),
        new("goods-in: a serial already on hand", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["SN-{id}-1"]""")),
            [HttpStatusCode.Conflict], AlreadyExists, "SN-{id}-1"),
        Invalid("goods-in: an idempotency key of 200 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("goods-in: malformed JSON", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", """{"partNumber":"{part}","serials":["""),

        Invalid("reserve: quantity zero", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", 0), "quantity"),
        Invalid("reserve: quantity negative", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", -1), "quantity"),
        Invalid("reserve: quantity is a word", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", "two"), "quantity"),
        WrongState("reserve: more than is available", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", 1_000_000), "available"),
        Invalid("reserve: quantity above a million per line", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", int.MaxValue), "quantity"),
        Invalid("reserve: reference 10,000 characters", Supervisor, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("reference", "{long}"), "reference"),
        Unknown("reserve: a part not in the catalogue", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("partNumber", "NO-PART-{id}"), "NO-PART-{id}"),
        Unknown("reserve: an unknown centre", Supervisor, Post, "/api/v1/centres/NO-CENTRE-{id}/reservations", Reserve, "NO-CENTRE-{id}"),
        Invalid("release: a reservation id without its centre", Warehouse, Post, "/api/v1/reservations/NO-RESERVATION:release", "{}", "reservation_id"),
        Unknown("release: an unknown reservation", Warehouse, Post, "/api/v1/reservations/{centre}.Rdeadbeef:release", "{}", "Rdeadbeef"),
        Unknown("release: a reservation at an unknown centre", Supervisor, Post, "/api/v1/reservations/NO-CENTRE-{id}.Rdeadbeef:release", "{}", "NO-CENTRE-{id}"),
        Malformed("release: malformed JSON", Warehouse, Post, "/api/v1/reservations/{reservation}:release", "{"),

        Invalid("open count: neither bins nor part_numbers", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}"}""", "bins"),
        Invalid("open count: both bins and part_numbers", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["A-02"],"partNumbers":["{part}"]}""", "part_numbers"),
        Invalid("open count: a bin of 10,000 characters", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["{long}"]}""", "bins"),
        Invalid("open count: a bin the centre does not have", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["Z-99"]}""", "bins"),
        new("open count: a part not in the catalogue", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","partNumbers":["NO-PART-{id}"]}""",
            [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], null, "NO-PART-{id}"),
        Invalid("open count: blind is a word", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["A-02"],"blind":"sure"}""", "blind"),
        Invalid("open count: centre_id empty", Warehouse, Post, "/api/v1/counts", """{"centreId":"","bins":["A-02"]}""", "centre_id"),
        Unknown("open count: an unknown centre", Warehouse, Post, "/api/v1/counts", """{"centreId":"NO-CENTRE-{id}","bins":["A-01"]}""", "NO-CENTRE-{id}"),
        new("open count: overlapping a count in progress", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","partNumbers":["{cable}"]}""",
            [HttpStatusCode.BadRequest], FailedPrecondition, "{counting}"),
        Invalid("submit lines: no lines", Warehouse, Post, "/api/v1/counts/{counting}/lines", """{"lines":[]}""", "lines"),
        Invalid("submit lines: counted_quantity negative", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", -1), "counted_quantity"),
        Invalid("submit lines: counted_quantity of 2^63 - 1", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", Raw("9223372036854775807")), "counted_quantity"),
        Invalid("goods-in: quantity above a million per line", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", 1_000_001), "quantity"),
        Invalid("submit lines: counted_quantity beyond int64", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", Raw("99999999999999999999")), "counted_quantity"),
        Invalid("submit lines: serials seen on a quantity-tracked part", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.serialsSeen", Raw("""["X1"]""")), "serials_seen"),
        Invalid("submit lines: the same line twice in a batch", Warehouse, Post, "/api/v1/counts/{counting}/lines",
            """{"lines":[{"bin":"","partNumber":"{cable}","countedQuantity":10},{"bin":"","partNumber":"{cable}","countedQuantity":9}]}""", "lines"),
        Invalid("submit lines: part_number empty", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.partNumber", ""), "part_number"),
        Unknown("submit lines: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}/lines", CableLine, "NO-COUNT-{id}"),
        Invalid("submit lines: count_id with a space", Warehouse, Post, "/api/v1/counts/NO%20COUNT/lines", CableLine, "count_id"),
        Unknown("close count: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}:close", "{}", "NO-COUNT-{id}"),
        WrongState("close count: a count ready to review", Warehouse, Post, "/api/v1/counts/{review}:close", "{}", "ReadyToReview"),
        Unknown("approve count: an unknown count", Supervisor, Post, "/api/v1/counts/NO-COUNT-{id}:approve", "{}", "NO-COUNT-{id}"),
        WrongState("approve count: a count still counting", Supervisor, Post, "/api/v1/counts/{counting}:approve", "{}", "Counting"),
        Invalid("approve count: a reason for a line the count does not have", Supervisor, Post, "/api/v1/counts/{review}:approve",
            """{"reasons":[{"bin":"Z-99","partNumber":"{part}","reasonCode":"missing"}]}""", "reason_code"),
        Invalid("approve count: two reasons for one line", Supervisor, Post, "/api/v1/counts/{review}:approve",
            """{"reasons":[{"bin":"A-01","partNumber":"{part}","reasonCode":"missing"},{"bin":"A-01","partNumber":"{part}","reasonCode":"found"}]}""", "reasons"),
        Malformed("approve count: malformed JSON", Supervisor, Post, "/api/v1/counts/{review}:approve", """{"reasons":"""),
        Unknown("cancel count: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}:cancel", "{}", "NO-COUNT-{id}"),
        Invalid("cancel count: count_id of 300 characters", Supervisor, Post, "/api/v1/counts/{long300}:cancel", "{}", "count_id"),
        Malformed("cancel count: body is an array", Warehouse, Post, "/api/v1/counts/{counting}:cancel", "[]"),

        Invalid("get count: page_size negative", Warehouse, Get, "/api/v1/counts/{counting}?pageSize=-1", null, "page_size"),
        Invalid("get count: page_size too large", Supervisor, Get, "/api/v1/counts/{counting}?pageSize=5001", null, "page_size"),
        Invalid("get count: page_size not a number", Warehouse, Get, "/api/v1/counts/{counting}?pageSize=abc", null, "page_size"),
        Invalid("get count: page_token not one the API gave", Warehouse, Get, "/api/v1/counts/{counting}?pageToken=garbage", null, "page_token"),
        Unknown("get count: an unknown count", Warehouse, Get, "/api/v1/counts/NO-COUNT-{id}", null, "NO-COUNT-{id}"),
        Invalid("list stock: page_size negative", Auditor, Get, "/api/v1/centres/{centre}/stock?pageSize=-1", null, "page_size"),
        Invalid("list stock: page_size too large", Auditor, Get, "/api/v1/centres/{centre}/stock?pageSize=100000", null, "page_size"),
        Invalid("list stock: page_token not one the API gave", Auditor, Get, "/api/v1/centres/{centre}/stock?pageToken=garbage", null, "page_token"),
        Unknown("list stock: an unknown centre", Auditor, Get, "/api/v1/centres/NO-CENTRE-{id}/stock", null, "NO-CENTRE-{id}"),
        Unknown("get stock: a part not in the catalogue", Auditor, Get, "/api/v1/centres/{centre}/stock/NO-PART-{id}", null, "NO-PART-{id}"),
        Invalid("get stock: part_number with a control character", Auditor, Get, "/api/v1/centres/{centre}/stock/A%01B", null, "part_number"),
        Invalid("list serials: part_number missing", Warehouse, Get, "/api/v1/centres/{centre}/serials", null, "part_number"),
        Invalid("list movements: after negative", Auditor, Get, "/api/v1/centres/{centre}/movements?after=-1", null, "after"),
        Invalid("list movements: page_size too large", Warehouse, Get, "/api/v1/centres/{centre}/movements?pageSize=5000", null, "page_size"),
        Invalid("list movements: part_number with a space", Auditor, Get, "/api/v1/centres/{centre}/movements?partNumber=A%20B", null, "part_number"),
        Unknown("list movements: an unknown centre", Auditor, Get, "/api/v1/centres/NO-CENTRE-{id}/movements", null, "NO-CENTRE-{id}"),
        Unknown("reconcile: an unknown centre", Auditor, Post, "/api/v1/centres/NO-CENTRE-{id}:reconcile", "{}", "NO-CENTRE-{id}"),
        Unknown("rebuild: an unknown centre", Admin, Post, "/api/v1/centres/NO-CENTRE-{id}:rebuild", "{}", "NO-CENTRE-{id}"),
        Unknown("get part: not in the catalogue", Auditor, Get, "/api/v1/parts/NO-PART-{id}", null, "NO-PART-{id}"),
        Invalid("get centre: centre_id with a space", Auditor, Get, "/api/v1/centres/NO%20CENTRE", null, "centre_id"),
    ];

    public static TheoryData<string> InventoryCases => Names(Inventory);

    [Theory, MemberData(nameof(InventoryCases))]
    public async Task Inventory_refuses_and_changes_nothing(string @case)
    {
        var world = await WorldAsync();
        await RunAsync(Inventory, @case, world.Fill, world.Client, world.StateAsync);
    }

    // ---------------------------------------------------------------- the world

    private sealed class World(ServiceHost service, Dictionary<string, HttpClient> clients, Dictionary<string, string> values, HttpClient reader)
    {
        public HttpClient Client(string who) => clients[who];

        public string Fill(string template)
        {
            foreach (var (key, value) in values) template = template.Replace("{" + key + "}", value, StringComparison.Ordinal);
            return template;
        }

        /// <summary>Every row of inventory's schema, and a digest of the centre's stock levels and serials in Redis.</summary>
        public async Task<string> StateAsync()
        {
            var stock = await Ok(await reader.GetAsync($"/api/v1/centres/{values["centre"]}/stock"));
            var serials = await Ok(await reader.GetAsync($"/api/v1/centres/{values["centre"]}/serials?partNumber={values["part"]}"));
            return await service.StoredStateAsync() + " | redis " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(stock.GetRawText() + serials.GetRawText())))[..16];
        }
    }

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static (ServiceHost Service, World World)? _world;

    private async Task<World> WorldAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_world is { } built && ReferenceEquals(built.Service, inventory.Service)) return built.World;
            var world = await BuildWorldAsync(inventory.Service);
            _world = (inventory.Service, world);
            return world;
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task<World> BuildWorldAsync(ServiceHost service)
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var centre = $"C-{id}";
        var part = $"BRD-{id}";
        var cable = $"CBL-{id}";
        var admin = service.RestAs("admin1", ["admin"]);
        var warehouse = service.RestAs($"wh-{id}", ["warehouse"], [centre]);
        var clients = new Dictionary<string, HttpClient>
        {
            [Admin] = admin, [Warehouse] = warehouse, [Supervisor] = service.RestAs($"sup-{id}", ["supervisor"], [centre]),
            [Auditor] = service.RestAs($"aud-{id}", ["auditor"]),
        };
        var serials = Enumerable.Range(1, 3).Select(n => $"SN-{id}-{n}").ToArray();
        await Ok(await admin.PutAsJsonAsync($"/api/v1/centres/{centre}", new { name = "Spare-part centre", bins = new[] { "A-01", "A-02" } }));
        await Ok(await admin.PutAsJsonAsync($"/api/v1/parts/{part}", new { description = "Main control board", serialized = true }));
        await Ok(await warehouse.PostAsJsonAsync($"/api/v1/centres/{centre}/goods-in", new { partNumber = part, bin = "A-01", serials, reference = "PO-" + id }));
        await Ok(await admin.PutAsJsonAsync($"/api/v1/parts/{cable}", new { description = "Fibre cable", serialized = false, unit = "pcs" }));
        await Ok(await warehouse.PostAsJsonAsync($"/api/v1/centres/{centre}/goods-in", new { partNumber = cable, bin = "A-02", quantity = 10 }));
        var values = new Dictionary<string, string>
        {
            ["long300"] = new string('x', 300), ["long"] = Long, ["id"] = id, ["centre"] = centre, ["part"] = part, ["cable"] = cable,
        };
        values["reservation"] = Text(await Ok(await warehouse.PostAsJsonAsync($"/api/v1/centres/{centre}/reservations",
            new { partNumber = part, quantity = 1, reference = "REF-" + id })), "reservationId");
        values["counting"] = Text(await Ok(await warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = centre, partNumbers = new[] { cable } })), "countId");
        var review = Text(await Ok(await warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = centre, bins = new[] { "A-01" } })), "countId");
        await Ok(await warehouse.PostAsJsonAsync($"/api/v1/counts/{review}/lines",
            new { lines = new[] { new { bin = "A-01", partNumber = part, countedQuantity = serials.Length, serialsSeen = serials } } }));
        Assert.Equal("ReadyToReview", Text(await Ok(await warehouse.PostAsJsonAsync($"/api/v1/counts/{review}:close", new { })), "state"));
        values["review"] = review;
        var world = new World(service, clients, values, reader: service.RestAs($"reader-{id}", ["warehouse", "auditor"], [centre]));
        await SettledAsync(world);
        return world;
    }

    /// <summary>Waits until what the setup set off (the movement ledger's numbering) is done: the state reads the same three times in a row.</summary>
    private static async Task SettledAsync(World world)
    {
        var last = "";
        var same = 0;
        await Eventually.Until(async () =>
        {
            var now = await world.StateAsync();
            same = now == last ? same + 1 : 0;
            last = now;
            await Task.Delay(200);
            return same >= 2;
        }, TimeSpan.FromSeconds(30), "inventory to settle");
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
