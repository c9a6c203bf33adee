using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Logistics.LocalStack;
using Logistics.Testing;
using Xunit.Abstractions;
using static Logistics.Testing.Flow;

namespace Logistics.Security.Tests;

/// <summary>
/// The fuzz sweep: malformed strings (lone UTF-16 surrogates, control characters, 1 MB strings, invalid UTF-8 bytes)
/// in every string field of every REST route's body, in every path parameter and in every query parameter, each sent by
/// a caller whom the route's policy lets through, against a world with real ids (a stocked centre, a reservation, a
/// count, requests reserved and delivered, a return, a DOA claim), so that the other fields of a call are good ones.
/// Every answer must be below 500 and no probe may write: every table of every schema and every Redis key read the
/// same before and after each probe. An unknown query parameter must be a 400. The counts go to the test output and to
/// .local/security-sweep.txt.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MalformedInputSweepTests(TestStack stack, ITestOutputHelper output)
{
    /// <summary>A malformed string, as the bytes that stand for it inside a JSON string and inside a URL.</summary>
    private sealed record Probe(string Name, byte[] Json, string Url);

    private static readonly string Megabyte = new('x', 1_000_000); // a 1 MB string; with the rest of the body under the gateway's 1 MiB limit

    private static readonly Probe[] Probes =
    [
        new("lone high surrogate", Encoding.ASCII.GetBytes("\\ud800"), "%ED%A0%80"),
        new("lone low surrogate", Encoding.ASCII.GetBytes("A\\udc00B"), "A%ED%B0%80B"),
        new("NUL", Encoding.ASCII.GetBytes("A\\u0000B"), "A%00B"),
        new("control characters", Encoding.ASCII.GetBytes("A\\u0007\\u001b[2JB"), "A%07%1B%5B2JB"),
        new("1 MB string", Encoding.ASCII.GetBytes(Megabyte), Megabyte),
        new("invalid UTF-8 bytes", [(byte)'A', 0xFF, 0xFE, 0xC3, (byte)'B'], "A%FF%FE%C3B"),
    ];

    private const string Marker = "@@PROBE@@";

    /// <summary>
    /// Who calls a route in the sweep: the first role its proto names, but a supervisor for the reports and the
    /// requests and returns that staff read (a supervisor sees the world's records: their centre's), and for routes any
    /// signed-in user may call.
    /// </summary>
    private static string CallerRole(RestRoute route)
    {
        string[] bySupervisor = ["GetStockReport", "GetServiceLevelReport", "GetReturnsReport", "GetPartRequest", "ListPartRequests", "GetReturn", "ListReturns"];
        var role = route.AnySignedIn || bySupervisor.Contains(route.Rpc.Name) ? "supervisor" : route.Roles[0];
        if (!route.AnySignedIn && !route.Roles.Contains(role))
            throw new InvalidOperationException($"{route}: the sweep calls it as {role}, whom its proto does not let in");
        return role;
    }

    [Fact]
    public async Task Malformed_strings_in_every_field_of_every_route_never_answer_5xx_and_never_write()
    {
        var clock = Stopwatch.StartNew();
        var routes = RestRoute.Load();
        Assert.True(routes.Count >= 40, $"only {routes.Count} REST routes");
        var world = await BuildWorldAsync();
        await using var snapshot = await StoreSnapshot.OpenAsync(stack);
        await SettledAsync(snapshot);
        var start = await snapshot.ReadAsync();
        output.WriteLine($"world built in {clock.Elapsed.TotalSeconds:0} s; {snapshot.Tables.Count} tables watched");

        var probes = 0;
        var statuses = new Dictionary<int, int>();
        var serverErrors = new List<string>();
        var writes = new List<string>();
        var unknownNotRefused = new List<string>();
        var before = start;

        async Task SendAsync(RestRoute route, string what, string path, byte[]? body)
        {
            probes++;
            var client = world.Client(CallerRole(route));
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
            request.Headers.Add("Idempotency-Key", $"sweep-{world.Id}-{probes}");
            if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } };
            int status;
            string text;
            try
            {
                using var response = await client.SendAsync(request);
                status = (int)response.StatusCode;
                text = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException e)
            {
                // A connection the server cut (a request line too long for it) is a refusal, not an answer.
                status = 0;
                text = e.Message;
            }
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var call = $"{route} [{what}] → {status} {Shorten(text)}";
            if (status >= 500) serverErrors.Add(call);
            if (status is >= 200 and < 300 && route.Method != "GET") writes.Add("accepted: " + call);
            var after = await snapshot.ReadAsync();
            var changes = StoreSnapshot.Changes(before, after);
            if (changes.Count > 0) writes.Add($"{call}: {string.Join(", ", changes)}");
            before = after;
        }

        foreach (var route in routes)
        {
            var values = world.PathValues(route);
            string PathWith(string? parameter, string? raw) =>
                route.PathParameters.Aggregate(route.Path, (p, name) => p.Replace("{" + name + "}", name == parameter ? raw : Uri.EscapeDataString(values[name]), StringComparison.Ordinal));
            var goodPath = PathWith(null, null);
            var baseBody = route.HasBody ? world.Body(route) : null;
            var goodBody = baseBody is null ? null : Encoding.UTF8.GetBytes(baseBody.ToJsonString());

            // Path parameters.
            foreach (var parameter in route.PathParameters)
                foreach (var probe in Probes)
                    await SendAsync(route, $"path {parameter}: {probe.Name}", PathWith(parameter, probe.Url), goodBody);

            // Query parameters, and one the method does not have.
            foreach (var field in route.QueryFields)
                foreach (var probe in Probes)
                    await SendAsync(route, $"query {field.JsonName}: {probe.Name}", $"{goodPath}?{field.JsonName}={probe.Url}", goodBody);
            var unknown = await world.Client(CallerRole(route)).SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), goodPath + "?centreIdd=NOPE")
            {
                Content = goodBody is null ? null : new ByteArrayContent(goodBody) { Headers = { { "Content-Type", "application/json" } } },
            });
            probes++;
            var unknownText = await unknown.Content.ReadAsStringAsync();
            if (unknown.StatusCode != HttpStatusCode.BadRequest || !unknownText.Contains("centreIdd", StringComparison.Ordinal))
                unknownNotRefused.Add($"{route} ?centreIdd=NOPE → {(int)unknown.StatusCode} {Shorten(unknownText)}");
            var afterUnknown = await snapshot.ReadAsync();
            if (StoreSnapshot.Changes(before, afterUnknown) is { Count: > 0 } unknownChanges) writes.Add($"{route} ?centreIdd=NOPE: {string.Join(", ", unknownChanges)}");
            before = afterUnknown;

            // Every string field of the body, nested ones and list entries included.
            if (baseBody is null) continue;
            foreach (var field in StringFields(route.Rpc.InputType, "", depth: 0))
            {
                if (route.PathParameters.Any(p => Snake(p) == field.Path)) continue; // the path carries it
                var marked = WithMarker(baseBody, field);
                foreach (var probe in Probes)
                    await SendAsync(route, $"body {field.Path}: {probe.Name}", goodPath, Replace(marked, probe.Json));
            }
        }

        // Whatever the probes set off (events) has had time to land; the store still reads as it did.
        await SettledAsync(snapshot);
        var end = await snapshot.ReadAsync();
        var late = StoreSnapshot.Changes(start, end);
        if (late.Count > 0 && writes.Count == 0) writes.Add("after the sweep settled: " + string.Join(", ", late));

        var outbox = start.Keys.Where(k => k.EndsWith(".outbox", StringComparison.Ordinal)).Select(k => $"{k} {start[k].Split(':')[0]} → {end[k].Split(':')[0]}");
        var report = new StringBuilder()
            .AppendLine($"Security sweep (tests/run.sh security), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC")
            .AppendLine($"routes: {routes.Count}; probes tried: {probes}; writes that should not have happened: {writes.Count}; 5xx: {serverErrors.Count}; " +
                        $"unknown query parameters not refused: {unknownNotRefused.Count}")
            .AppendLine($"answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "connection closed" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}×{s.Value}"))}")
            .AppendLine($"outbox rows: {string.Join("; ", outbox)}")
            .AppendLine($"took {clock.Elapsed.TotalSeconds:0} s");
        foreach (var line in serverErrors.Concat(writes).Concat(unknownNotRefused).Take(60)) report.AppendLine("  " + line);
        output.WriteLine(report.ToString());
        var file = RepoLayout.PathOf(".local");
        Directory.CreateDirectory(file);
        await File.WriteAllTextAsync(Path.Combine(file, "security-sweep.txt"), report.ToString());

        Assert.True(probes >= 500, $"only {probes} probes");
        Assert.True(serverErrors.Count == 0 && writes.Count == 0 && unknownNotRefused.Count == 0, report.ToString());
    }

    // ---------------------------------------------------------------- bodies

    private sealed record StringField(string Path, IReadOnlyList<string> JsonPath, bool Repeated);

    /// <summary>Every string field of a message, nested messages to three levels (well-known types aside).</summary>
    private static IEnumerable<StringField> StringFields(MessageDescriptor message, string prefix, int depth, IReadOnlyList<string>? jsonPrefix = null)
    {
        jsonPrefix ??= [];
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
            IReadOnlyList<string> jsonPath = [.. jsonPrefix, field.JsonName];
            if (field.IsMap) continue;
            if (field.FieldType == FieldType.String) yield return new StringField(path, jsonPath, field.IsRepeated);
            else if (field.FieldType == FieldType.Message && !field.IsRepeated && depth < 3 && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
                foreach (var inner in StringFields(field.MessageType, path, depth + 1, jsonPath)) yield return inner;
        }
    }

    /// <summary>The body with the marker in the field (a list field: a list of one marker).</summary>
    private static byte[] WithMarker(JsonObject body, StringField field)
    {
        var copy = (JsonObject)body.DeepClone();
        var parent = copy;
        foreach (var step in field.JsonPath.SkipLast(1))
        {
            if (parent[step] is not JsonObject inner) parent[step] = inner = new JsonObject();
            parent = inner;
        }
        parent[field.JsonPath[^1]] = field.Repeated ? new JsonArray(Marker) : Marker;
        return Encoding.UTF8.GetBytes(copy.ToJsonString());
    }

    private static byte[] Replace(byte[] marked, byte[] raw)
    {
        var at = marked.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Marker));
        return [.. marked.AsSpan(0, at), .. raw, .. marked.AsSpan(at + Marker.Length)];
    }

    private static string Snake(string camel) => string.Concat(camel.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"…({text.Length} chars)";

    private static async Task SettledAsync(StoreSnapshot snapshot)
    {
        IReadOnlyDictionary<string, string>? last = null;
        var same = 0;
        await Eventually.Until(async () =>
        {
            var now = await snapshot.ReadAsync();
            same = last is not null && StoreSnapshot.Changes(last, now).Count == 0 ? same + 1 : 0;
            last = now;
            await Task.Delay(300);
            return same >= 2;
        }, Settle, "the store to settle");
    }

    // ---------------------------------------------------------------- the world

    private sealed class World(Flow flow, Dictionary<string, string> ids)
    {
        public string Id => flow.Id;

        public HttpClient Client(string role)
        {
            return role switch
            {
                "engineer" => flow.Eng,
                "warehouse" => flow.Warehouse,
                "supervisor" => flow.Sup,
                "delivery-manager" => flow.Dm,
                "auditor" => flow.Auditor,
                "admin" => flow.Admin,
                _ => throw new InvalidOperationException($"role '{role}' is new to the sweep"),
            };
        }

        /// <summary>Real ids for the route's path parameters (each by the resource the route is about).</summary>
        private static readonly string DeadLetterId = Guid.NewGuid().ToString();

        public Dictionary<string, string> PathValues(RestRoute route)
        {
            var values = new Dictionary<string, string>();
            foreach (var name in route.PathParameters)
                values[name] = name switch
                {
                    "partNumber" => route.Path.StartsWith("/api/v1/parts/", StringComparison.Ordinal) && route.Method == "PUT" ? $"NEW-{Id}" : flow.Part,
                    "centreId" => route.Path == "/api/v1/centres/{centreId}" && route.Method == "PUT" ? $"NEW-{Id}" : flow.Centre,
                    "reservationId" => ids["reservation"],
                    "countId" => ids["count"],
                    "calendarId" => route.Method == "PUT" ? $"NEW-{Id}" : "mon-fri",
                    "siteId" => route.Method == "PUT" ? $"NEW-{Id}" : $"SITE-{Id}",
                    "serial" => flow.Serials[0],
                    "deadLetterId" => DeadLetterId, // well-formed, kept by no service: a probe must never decide a real one
                    "requestId" =>
                        route.Path.EndsWith(":install", StringComparison.Ordinal) ? ids["delivered"] : ids["reserved"],
                    "receiptId" => ids["receipt"],
                    "returnId" => ids["return"],
                    "claimId" => ids["claim"],
                    _ => $"NO-{Id}",
                };
            return values;
        }

        /// <summary>A good body for the route: one a real client would send in this world.</summary>
        public JsonObject Body(RestRoute route)
        {
            var f = flow;
            object body = $"{route.Method} {route.Path}" switch
            {
                "PUT /api/v1/parts/{partNumber}" => new { description = "Main control board", serialized = true, unit = "pcs" },
                "PUT /api/v1/centres/{centreId}" => new { name = "Spare-part centre", bins = new[] { "A-01" } },
                "PUT /api/v1/calendars/{calendarId}" => new
                {
                    name = "Sweep calendar",
                    years = new[] { new { year = 2026, workingWeekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }, opensAt = "09:00", closesAt = "18:00" } },
                },
                "PUT /api/v1/sites/{siteId}" => new { timeZone = "Asia/Shanghai", calendarId = "mon-fri" },
                "POST /api/v1/centres/{centreId}/goods-in" => new { partNumber = f.Part, bin = "A-01", serials = new[] { $"GI-{Id}" }, reference = $"PO-{Id}" },
                "POST /api/v1/centres/{centreId}/reservations" => new { partNumber = f.Part, quantity = 1, reference = $"REF-{Id}" },
                "POST /api/v1/counts" => new { centreId = f.Centre, bins = new[] { "A-02" } },
                "POST /api/v1/counts/{countId}/lines" => new { lines = new[] { new { bin = "", partNumber = ids["cable"], countedQuantity = 10, serialsSeen = Array.Empty<string>() } } },
                "POST /api/v1/counts/{countId}:approve" => new { reasons = new[] { new { bin = "", partNumber = ids["cable"], reasonCode = "missing" } } },
                "POST /api/v1/part-requests" => new { ticketId = $"TCK-{Id}", siteId = $"SITE-{Id}", centreId = f.Centre, partNumber = f.Part, quantity = 1, serviceLevel = "7x24x4", faultySerial = $"OLD-{Id}" },
                "POST /api/v1/part-requests/{requestId}:reject" or "POST /api/v1/part-requests/{requestId}:cancel" => new { reason = "not needed" },
                "POST /api/v1/part-requests/{requestId}:ship" => new { serials = new[] { ids["free_serial"] }, packaging = EsdPackaging($"PKG-{Id}"), carrier = "SF Express", trackingNo = $"TRK-{Id}" },
                "POST /api/v1/part-requests/{requestId}:install" => new { installedSerial = ids["delivered_serial"], removedSerial = $"OLD-{Id}", equipmentId = $"EQ-{Id}" },
                "POST /api/v1/receipts" => Receipt("centre-to-engineer", ids["reserved"], [ids["free_serial"]]),
                "POST /api/v1/receipts/{receiptId}:correct" => new { serials = new[] { ids["delivered_serial"] }, quantity = 1, packaging = new { outerIntact = true, esdBagSealed = true }, condition = "ok", note = "recounted" },
                "POST /api/v1/returns/{returnId}:pack" => f.Packing(ids["installed"], ids["faulty"]),
                "POST /api/v1/returns/{returnId}:ship" => new { carrier = "SF Express", trackingNo = $"BACK-{Id}" },
                "POST /api/v1/returns/{returnId}:inspect" => new { result = "confirmed-fault", note = "dead board", bin = "A-01" },
                "POST /api/v1/doa-claims" => new { requestId = ids["claimable"], serial = ids["claimable_serial"], detectedAt = "unboxing", symptom = "no power", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true },
                "POST /api/v1/doa-claims/{claimId}:reject" => new { reason = "not a DOA" },
                "POST /api/v1/doa-claims/{claimId}:inspect" => new { result = "confirmed-doa", note = "dead on arrival" },
                "POST /api/v1/transit-investigations/{investigationId}:propose-loss" => new { carrierClaimReference = $"CLM-{Id}", note = "never arrived" },
                "POST /api/v1/custody/anomalies/{anomalyId}:resolve" => new { note = "checked with the centre" },
                "POST /api/v1/centres/{centreId}/dispositions" => new { partNumber = f.Part, serial = f.Serials[0], kind = "scrap", reason = "dead board" },
                "POST /api/v1/dispositions/{dispositionId}:reject" => new { reason = "keep it" },
                "POST /api/v1/dispositions/{dispositionId}:ship" => new { carrier = "DHL", trackingNumber = $"RTV-{Id}", esdPackaging = true },
                "POST /api/v1/dispositions/{dispositionId}:close" => new { settlement = "credit", reference = $"CN-{Id}" },
                "POST /api/v1/dispositions/{dispositionId}:inspect" => new { outcome = "repaired", bin = "A-01" },
                "PUT /api/v1/centres/{centreId}/stock-limits/{partNumber}" => new { reorderPoint = 2, orderUpTo = 5 },
                "POST /api/v1/replenishment-proposals/{proposalId}:accept" => new { lines = new[] { new { partNumber = f.Part, action = "purchase", quantity = 3, supplier = "ACME" } } },
                var path when path.EndsWith("/dead-letters/{deadLetterId}:discard", StringComparison.Ordinal) => new { reason = "Sweep: not a real event." },
                _ => new { },
            };
            return JsonSerializer.SerializeToNode(body)!.AsObject();
        }
    }

    /// <summary>
    /// A stocked centre (6 boards, a quantity-tracked cable), a reservation, a count of the cable in progress, a reserved
    /// request with a free serial, a delivered request installed (its return open), a delivered request a DOA claim is
    /// filed for, and one more delivered that a claim could still be filed for.
    /// </summary>
    private async Task<World> BuildWorldAsync()
    {
        var f = await StockedAsync(stack, units: 6);
        var ids = new Dictionary<string, string> { ["cable"] = $"CBL-{f.Id}" };
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{ids["cable"]}", new { description = "Fibre cable", serialized = false, unit = "pcs" }));
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = ids["cable"], bin = "A-02", quantity = 10 }));
        ids["reservation"] = Text(await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/reservations",
            new { partNumber = ids["cable"], quantity = 1, reference = "REF-" + f.Id })), "reservationId");
        ids["count"] = Text(await Ok(await f.Warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = f.Centre, partNumbers = new[] { ids["cable"] } })), "countId");

        var (installed, installedSerial) = await f.DeliveredRequestAsync();
        ids["installed"] = installed;
        ids["faulty"] = $"FAULTY-{f.Id}";
        await f.InstallAsync(installed, installedSerial, ids["faulty"]);
        ids["return"] = Text(await f.ReturnOfRequestAsync(installed), "returnId");

        var (delivered, deliveredSerial) = await f.DeliveredRequestAsync();
        ids["delivered"] = delivered;
        ids["delivered_serial"] = deliveredSerial;
        ids["receipt"] = Text((await Ok(await f.Eng.GetAsync($"/api/v1/receipts?reference={delivered}"))).GetProperty("receipts")[0], "receiptId");
        var claim = await Eventually.Until(async () => await f.Dm.PostAsJsonAsync("/api/v1/doa-claims",
                new { requestId = delivered, serial = deliveredSerial, detectedAt = "unboxing", symptom = "no power", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true }),
            r => r.IsSuccessStatusCode, Settle, "doa knows the delivery");
        ids["claim"] = Text(await Ok(claim), "claimId");

        var (claimable, claimableSerial) = await f.DeliveredRequestAsync();
        ids["claimable"] = claimable;
        ids["claimable_serial"] = claimableSerial;

        ids["reserved"] = await f.ReservedRequestAsync();
        ids["free_serial"] = await f.FreeSerialAsync();
        return new World(f, ids);
    }
}
