using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
namespace Logistics.Testing;

/// <summary>
/// One business world per test, entered through the gateway's REST API only: a fresh centre with a serialized part in
/// stock and the people who work on it (two engineers, warehouse staff, supervisors, delivery managers), with the
/// steps of the flows (request, ship, sign, install, pack, return, inspect) as one call each.
/// </summary>
public sealed class Flow : IDisposable
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private Flow(TestStack stack, string id)
    {
        Stack = stack;
        Id = id;
        Centre = $"C-{id}";
        Part = $"BRD-{id}";
        Engineer = $"eng-{id}";
        OtherEngineer = $"eng2-{id}";
        Supervisor = $"sup-{id}";
        WarehouseUser = $"wh-{id}";
    }

    public TestStack Stack { get; }
    public string Id { get; }
    public string Centre { get; }
    public string Part { get; }
    public string Engineer { get; }
    public string OtherEngineer { get; }
    public string Supervisor { get; }
    public string WarehouseUser { get; }
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Warehouse { get; private set; } = null!;
    public HttpClient Eng { get; private set; } = null!;
    public HttpClient OtherEng { get; private set; } = null!;
    public HttpClient Sup { get; private set; } = null!;
    public HttpClient Sup2 { get; private set; } = null!;
    public HttpClient Dm { get; private set; } = null!;
    public HttpClient Dm2 { get; private set; } = null!;
    public HttpClient Auditor { get; private set; } = null!;

    /// <summary>Serials in stock at the centre, bin A-01.</summary>
    public IReadOnlyList<string> Serials { get; private set; } = [];

    /// <summary>A centre holding <paramref name="units"/> serials of a new serialized part, known to the requests service.</summary>
    public static async Task<Flow> StockedAsync(TestStack stack, int units = 3)
    {
        var flow = new Flow(stack, Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());
        flow.Admin = await stack.RestAsAsync("admin1", "admin");
        // Warehouse staff and supervisors work for the flow's centre (their tokens name it).
        flow.Warehouse = await stack.RestAsAsync(flow.WarehouseUser, ["warehouse"], [flow.Centre]);
        flow.Eng = await stack.RestAsAsync(flow.Engineer, "engineer");
        flow.OtherEng = await stack.RestAsAsync(flow.OtherEngineer, "engineer");
        flow.Sup = await stack.RestAsAsync(flow.Supervisor, ["supervisor"], [flow.Centre]);
        flow.Sup2 = await stack.RestAsAsync($"sup2-{flow.Id}", ["supervisor"], [flow.Centre]);
        flow.Dm = await stack.RestAsAsync($"dm-{flow.Id}", "delivery-manager");
        flow.Dm2 = await stack.RestAsAsync($"dm2-{flow.Id}", "delivery-manager");
        flow.Auditor = await stack.RestAsAsync($"aud-{flow.Id}", "auditor");

        await Ok(await flow.Admin.PutAsJsonAsync($"/api/v1/centres/{flow.Centre}", new { name = "Spare-part centre", bins = new[] { "A-01", "A-02" } }));
        await Ok(await flow.Admin.PutAsJsonAsync($"/api/v1/parts/{flow.Part}", new { description = "Main control board", serialized = true }));
        flow.Serials = Enumerable.Range(1, units).Select(n => $"SN-{flow.Id}-{n}").ToList();
        if (units > 0)
            await Ok(await flow.Warehouse.PostAsJsonAsync($"/api/v1/centres/{flow.Centre}/goods-in",
                new { partNumber = flow.Part, bin = "A-01", serials = flow.Serials, reference = "PO-" + flow.Id }));
        // The catalogue and the centre reach the requests service as events.
        await Eventually.Until(async () => (await flow.Eng.GetAsync($"/api/v1/requestable-parts/{flow.Part}")).IsSuccessStatusCode,
            Settle, $"part {flow.Part} requestable");
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM requests.known_centres WHERE centre_id = $1", flow.Centre) == 1,
            Settle, $"centre {flow.Centre} known to requests");
        return flow;
    }

    // ---- reading

    public static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a refusal: the status and, when given, that the message names <paramref name="named"/>.</summary>
    public static async Task Refused(HttpResponseMessage response, HttpStatusCode status, string named = "")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if (named != "") Assert.Contains(named, body, StringComparison.OrdinalIgnoreCase);
    }

    public static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    public static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

    public static long Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt64() : 0;

    /// <summary>The centre's stock of the part: (onHand, reserved, available, inTransit, faulty, quarantined).</summary>
    public async Task<(long OnHand, long Reserved, long Available, long InTransit, long Faulty, long Quarantined)> StockAsync()
    {
        var level = await Ok(await Warehouse.GetAsync($"/api/v1/centres/{Centre}/stock/{Part}"));
        return (Number(level, "onHand"), Number(level, "reserved"), Number(level, "available"), Number(level, "inTransit"),
            Number(level, "faulty"), Number(level, "quarantined"));
    }

    public Task<(long OnHand, long Reserved, long Available, long InTransit, long Faulty, long Quarantined)> StockBecomesAsync(
        (long, long, long, long, long, long) expected, string what) =>
        Eventually.Until(StockAsync, s => s == expected, Settle, $"stock {expected} ({what})");

    public async Task<JsonElement> RequestAsync(string requestId) => await Ok(await Sup.GetAsync($"/api/v1/part-requests/{requestId}"));

    public Task<JsonElement> RequestInStateAsync(string requestId, string state) =>
        Eventually.Until(() => RequestAsync(requestId), r => Text(r, "state") == state, Settle, $"request {requestId} {state}");

    public async Task<JsonElement> ReturnAsync(string returnId) => await Ok(await Sup.GetAsync($"/api/v1/returns/{returnId}"));

    public Task<JsonElement> ReturnInStateAsync(string returnId, string state) =>
        Eventually.Until(() => ReturnAsync(returnId), r => Text(r, "state") == state, Settle, $"return {returnId} {state}");

    /// <summary>The faulty-part return opened by the swap on a request.</summary>
    public async Task<JsonElement> ReturnOfRequestAsync(string requestId) =>
        await Eventually.Until(async () =>
            {
                var list = await Ok(await Sup.GetAsync($"/api/v1/returns?engineerId={Engineer}"));
                return list.TryGetProperty("returns", out var r) ? r.EnumerateArray().FirstOrDefault(x => Text(x, "requestId") == requestId) : default;
            }, r => r.ValueKind == JsonValueKind.Object, Settle, $"the return of request {requestId}");

    // ---- steps

    public static object EsdPackaging(string packageId = "PKG-1") =>
        new { esdBagSealed = true, sealedWith = "tape", esdSymbol = true, packageId };

    public async Task<JsonElement> SubmitAsync(int quantity = 1, string serviceLevel = "7x24x4", HttpClient? by = null) =>
        await Ok(await (by ?? Eng).PostAsJsonAsync("/api/v1/part-requests", new
        {
            ticketId = "TCK-" + Id, siteId = "SITE-" + Id, centreId = Centre, partNumber = Part, quantity, serviceLevel,
        }));

    /// <summary>Submits a request within quota and waits until inventory reserved it.</summary>
    public async Task<string> ReservedRequestAsync(int quantity = 1)
    {
        var id = Text(await SubmitAsync(quantity), "requestId");
        await RequestInStateAsync(id, "Reserved");
        return id;
    }

    public async Task<JsonElement> ShipAsync(string requestId, params string[] serials) =>
        await Ok(await Warehouse.PostAsJsonAsync($"/api/v1/part-requests/{requestId}:ship",
            new { serials, packaging = EsdPackaging(), carrier = "SF Express", trackingNo = "TRK-" + Id }));

    public static object Receipt(string kind, string reference, string[] serials, string condition = "ok", bool esdBagSealed = true, bool outerIntact = true) =>
        new { kind, reference, serials, quantity = serials.Length, packaging = new { outerIntact, esdBagSealed }, condition, note = "" };

    public async Task<JsonElement> SignDeliveryAsync(string requestId, params string[] serials) =>
        await Ok(await Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", requestId, serials)));

    /// <summary>Request → reserved → shipped → signed for → Delivered, returning the request id and the shipped serial.</summary>
    public async Task<(string RequestId, string Serial)> DeliveredRequestAsync()
    {
        var id = await ReservedRequestAsync();
        var serial = await FreeSerialAsync();
        await ShipAsync(id, serial);
        await Eventually.Until(async () => (await Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [serial]))) is { IsSuccessStatusCode: true },
            Settle, $"receipts knows the shipment of {id}");
        await RequestInStateAsync(id, "Delivered");
        return (id, serial);
    }

    /// <summary>A serial still on hand at the centre (not shipped by an earlier step of the test).</summary>
    public async Task<string> FreeSerialAsync()
    {
        var list = await Ok(await Warehouse.GetAsync($"/api/v1/centres/{Centre}/serials?partNumber={Part}"));
        return list.GetProperty("serials").EnumerateArray().Select(s => Text(s, "serial")).Order(StringComparer.Ordinal).First();
    }

    public async Task<JsonElement> InstallAsync(string requestId, string installed, string removed) =>
        await Ok(await Eng.PostAsJsonAsync($"/api/v1/part-requests/{requestId}:install",
            new { installedSerial = installed, removedSerial = removed, equipmentId = "EQ-" + Id }));

    public object FaultTag(string reference, string serial, string categoryCode = "F006") => new
    {
        category = "replacement", reference, partNumber = Part, serial, faultDate = DateTime.UtcNow.AddHours(-1).ToString("O"),
        symptom = "board does not boot", categoryCode, softwareVersion = "V100R001", dataRemovalConfirmed = true, ticketId = "TCK-" + Id,
    };

    public object Packing(string reference, string serial, string categoryCode = "F006") => new
    {
        inGoodPartPackaging = true, esdBagSealed = true, sealedWith = "label", esdSymbol = true, faultTag = FaultTag(reference, serial, categoryCode),
    };

    public void Dispose()
    {
        foreach (var c in new[] { Admin, Warehouse, Eng, OtherEng, Sup, Sup2, Dm, Dm2, Auditor }) c?.Dispose();
    }
}
