using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Testing;
using Xunit.Abstractions;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// The gateway's protection, whole-system: every route it builds from the protos refuses a call without a valid token (none,
/// forged, expired, unsigned, for another audience or issuer) with 401 and a caller outside the roles of the route's method with 403;
/// an engineer cannot read or act on another engineer's records (and the refusal writes nothing); oversize bodies, the
/// per-user rate limit, paths outside every route, and gRPC without a token through the gateway's gRPC port.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class SecurityTests(TestStack stack, ITestOutputHelper output)
{
    private static readonly string[] AllRoles = GatewayRoutes.AllRoles;

    public static TheoryData<string> RouteNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var route in GatewayRoutes.Load()) data.Add(route.Name);
            return data;
        }
    }

    /// <summary>
    /// The gateway's OpenAPI document, from the running stack, says for every REST route the roles that its proto (and so
    /// the gateway and the service) let in.
    /// </summary>
    [Fact]
    public async Task The_gateway_documents_every_rest_route_with_the_roles_of_its_method()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Stack.GatewayHttp) };
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var problems = new List<string>();
        foreach (var method in Logistics.Access.V1.ApiCatalogue.Methods.Where(m => m.Rest is not null))
        {
            var shape = RouteShape().Replace(method.Rest!.Path, "{}");
            var path = paths.EnumerateObject().FirstOrDefault(p => RouteShape().Replace(p.Name, "{}") == shape);
            if (path.Value.ValueKind != JsonValueKind.Object || !path.Value.TryGetProperty(method.Rest.Verb.ToLowerInvariant(), out var operation))
            {
                problems.Add($"{method.Rest.Verb} {method.Rest.Path}: not in the document");
                continue;
            }
            var roles = operation.TryGetProperty("x-logistics-roles", out var listed) ? listed.EnumerateArray().Select(r => r.GetString()!).ToArray()
                : operation.TryGetProperty("x-logistics-any-signed-in", out var any) && any.GetBoolean() ? AllRoles : [];
            var expected = method.AnySignedIn ? AllRoles : method.Roles.ToArray();
            if (!roles.Order().SequenceEqual(expected.Order()))
                problems.Add($"{method.Rest.Verb} {method.Rest.Path}: the document says {string.Join(",", roles)}, the proto {string.Join(",", expected)}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteShape();

    /// <summary>Every route lets in known roles and is pinned to a listener; nothing else is routed.</summary>
    [Fact]
    public async Task Every_route_allows_known_roles_on_one_listener_and_no_other_path_is_reachable()
    {
        var routes = GatewayRoutes.Load();
        Assert.True(routes.Count >= 100, $"only {routes.Count} routes from the protos");
        var problems = new List<string>();
        foreach (var r in routes)
        {
            if (r.Allowed.Length == 0 || r.Allowed.Any(role => !AllRoles.Contains(role))) problems.Add($"{r.Name}: roles '{string.Join(",", r.Allowed)}'");
            if (r.Listener is not ("http" or "grpc")) problems.Add($"{r.Name}: Listener '{r.Listener}'");
            if (r.Listener == "http" && r.Methods.Length == 0) problems.Add($"{r.Name}: a REST route without Methods");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        using var admin = await stack.RestAsAsync("sec-admin", AllRoles);
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Stack.GatewayHttp) };
        using var h2 = Http2Client();
        var token = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        string[] unrouted =
        [
            "/api/v1/nothing-here", "/api/v2/parts/X-1", "/api/v1/parts/X-1/extra", "/api/v1/part-requests/X-1/history", "/api/v1/custody", "/admin",
            "/api/v1/centres/C-1/stock/P-1/extra", "/logistics.inventory.v1.InventoryService/GetPart", "/.env",
        ];
        foreach (var path in unrouted)
            foreach (var (client, who) in new[] { (admin, "with every role"), (anonymous, "without a token") })
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path} {who} on the REST port → {(int)response.StatusCode}, not 404");
            }
        // The REST routes are pinned to the REST port, the gRPC ones to the gRPC port.
        foreach (var (method, path) in new[] { ("GET", "/api/v1/parts/X-1"), ("GET", "/api/v1/part-requests"), ("POST", "/dev/token"), ("GET", "/api/v1/nothing-here") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await h2.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} on the gRPC port → {(int)response.StatusCode}, not 404");
        }
    }

    /// <summary>
    /// One route of the gateway's settings: without a valid token 401, with a role outside the route's policy 403, and
    /// with a role inside it the call passes the gateway (whatever the service then says of the placeholder ids).
    /// </summary>
    [Theory, MemberData(nameof(RouteNames))]
    public async Task Every_route_refuses_bad_tokens_with_401_and_roles_outside_its_policy_with_403(string route)
    {
        var r = GatewayRoutes.Load().Single(x => x.Name == route);
        var allowed = r.Allowed;
        var tokens = Tokens.For(stack);
        var id = Guid.NewGuid().ToString("N")[..8];
        var grpc = r.Listener == "grpc";
        var path = r.Sample(grpc ? "Placeholder" : $"PH-{id}");
        var method = r.Methods.FirstOrDefault() ?? "POST";
        using var rest = new HttpClient { BaseAddress = new Uri(stack.Stack.GatewayHttp) };
        using var h2 = Http2Client();

        async Task<HttpStatusCode> Call(string? authorization)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (grpc) (request.Version, request.VersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            foreach (var (name, value) in r.Headers) request.Headers.TryAddWithoutValidation(name, value);
            if (grpc)
            {
                request.Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { { "Content-Type", "application/grpc" } } }; // one empty message
                request.Headers.TryAddWithoutValidation("TE", "trailers");
            }
            else if (method is "POST" or "PUT")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }
            using var response = await (grpc ? h2 : rest).SendAsync(request);
            return response.StatusCode;
        }

        var problems = new List<string>();
        async Task Expect(string what, string? authorization, params HttpStatusCode[] statuses)
        {
            var status = await Call(authorization);
            if (!statuses.Contains(status)) problems.Add($"{what} → {(int)status}, expected {string.Join(" or ", statuses.Select(s => (int)s))}");
        }

        var user = $"sec-{id}";
        await Expect("no token", null, HttpStatusCode.Unauthorized);
        await Expect("not a JWT", "Bearer not-a-token", HttpStatusCode.Unauthorized);
        await Expect("another scheme", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin")), HttpStatusCode.Unauthorized);
        await Expect("signed by another key", "Bearer " + tokens.SignedByAnotherKey(user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("expired", "Bearer " + tokens.Expired(user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("not yet valid", "Bearer " + tokens.NotYetValid(user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("unsigned (alg none)", "Bearer " + tokens.Unsigned(user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("for another audience", "Bearer " + tokens.ForAudience("someone-else", user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("from another issuer", "Bearer " + tokens.FromIssuer("someone-else", user, AllRoles), HttpStatusCode.Unauthorized);
        await Expect("without a subject", "Bearer " + tokens.WithoutSubject(AllRoles), HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
        if (allowed.Length < AllRoles.Length)
            await Expect("no role at all", "Bearer " + tokens.Valid(user), HttpStatusCode.Forbidden);
        foreach (var role in AllRoles)
        {
            var status = await Call("Bearer " + tokens.Valid($"{user}-{role}", role));
            if (!allowed.Contains(role) && status != HttpStatusCode.Forbidden)
                problems.Add($"role {role}, not among its roles → {(int)status}, expected 403");
            if (allowed.Contains(role) && (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)status >= 500))
                problems.Add($"role {role}, among its roles → {(int)status}; the gateway must let it through (and the service answer without a 5xx)");
        }
        Assert.True(problems.Count == 0, $"{route} ({method} {path} on the {r.Listener} port, roles {string.Join(",", allowed)}):\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// An engineer reading or acting on another engineer's part request, return, receipt or DOA claim is refused with 403,
    /// and nothing any service stored changes; lists show an engineer only their own.
    /// </summary>
    [Fact]
    public async Task An_engineer_cannot_read_or_act_on_another_engineers_records()
    {
        using var f = await StockedAsync(stack, units: 4);
        var s = f.Serials;
        string installed = "", returnId = "", reserved = "", shipped = "", delivered = "";
        async Task SwappedAsync()
        {
            installed = await BadInputSweepTests.DeliverAsync(f, f.Eng, s[0]);
            await f.InstallAsync(installed, s[0], "FAULTY-" + f.Id);
            returnId = Text(await f.ReturnOfRequestAsync(installed), "returnId");
        }
        async Task OthersAsync()
        {
            reserved = await f.ReservedRequestAsync();
            shipped = await f.ReservedRequestAsync();
            await f.ShipAsync(shipped, s[1]);
            delivered = await BadInputSweepTests.DeliverAsync(f, f.Eng, s[2]);
        }
        await Task.WhenAll(SwappedAsync(), OthersAsync());
        var receipt = Text((await Ok(await f.Eng.GetAsync($"/api/v1/receipts?reference={delivered}"))).GetProperty("receipts")[0], "receiptId");
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.deliveries WHERE serial = $1", s[2]) == 1,
            Settle, "doa knows the delivery");
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1", shipped) == 1,
            Settle, "receipts knows the shipment");
        await StoredState.SettledAsync(stack, f.Id);
        var claim = new { requestId = delivered, serial = s[2], detectedAt = "unboxing", symptom = "no power", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true };

        var problems = new List<string>();
        async Task Forbidden(string what, Func<HttpClient, Task<HttpResponseMessage>> call)
        {
            var before = await StoredState.OfAsync(stack, f.Id);
            using var response = await call(f.OtherEng);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden) problems.Add($"{what} → {(int)response.StatusCode} {body}, expected 403");
            var after = await StoredState.OfAsync(stack, f.Id);
            if (after != before) problems.Add($"{what}: the refused call changed the stored state\nbefore: {before}\nafter:  {after}");
        }

        await Forbidden("get another's part request", c => c.GetAsync($"/api/v1/part-requests/{reserved}"));
        await Forbidden("list another's part requests", c => c.GetAsync($"/api/v1/part-requests?engineerId={f.Engineer}"));
        await Forbidden("cancel another's part request", c => c.PostAsJsonAsync($"/api/v1/part-requests/{reserved}:cancel", new { reason = "mine now" }));
        await Forbidden("install on another's delivered request", c => c.PostAsJsonAsync($"/api/v1/part-requests/{delivered}:install",
            new { installedSerial = s[2], removedSerial = "OLD-" + f.Id, equipmentId = "EQ-" + f.Id }));
        await Forbidden("get another's return", c => c.GetAsync($"/api/v1/returns/{returnId}"));
        await Forbidden("list another's returns", c => c.GetAsync($"/api/v1/returns?engineerId={f.Engineer}"));
        await Forbidden("pack another's return", c => c.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(installed, "FAULTY-" + f.Id)));
        await Forbidden("ship another's return", c => c.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "T-" + f.Id }));
        await Forbidden("sign for a shipment to another engineer", c => c.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", shipped, [s[1]])));
        await Forbidden("read another's receipt", c => c.GetAsync($"/api/v1/receipts/{receipt}"));
        await Forbidden("list the receipts of another's delivery", c => c.GetAsync($"/api/v1/receipts?reference={delivered}"));
        await Forbidden("correct another's receipt", c => c.PostAsJsonAsync($"/api/v1/receipts/{receipt}:correct",
            new { serials = new[] { s[2] }, quantity = 1, packaging = new { outerIntact = true, esdBagSealed = true }, condition = "damaged", note = "not mine" }));
        await Forbidden("file a DOA claim for a unit delivered to another engineer", c => c.PostAsJsonAsync("/api/v1/doa-claims", claim));
        var claimId = Text(await Ok(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", claim)), "claimId");
        await StoredState.SettledAsync(stack, f.Id);
        await Forbidden("get another's DOA claim", c => c.GetAsync($"/api/v1/doa-claims/{claimId}"));

        // Their own lists do not show the other engineer's records.
        var requests = await Ok(await f.OtherEng.GetAsync("/api/v1/part-requests"));
        if (requests.GetProperty("requests").EnumerateArray().Any(x => Text(x, "engineerId") != f.OtherEngineer)) problems.Add("the engineer's request list shows another's request");
        var returns = await Ok(await f.OtherEng.GetAsync("/api/v1/returns"));
        if (returns.GetProperty("returns").EnumerateArray().Any(x => Text(x, "engineerId") != f.OtherEngineer)) problems.Add("the engineer's return list shows another's return");
        var claims = await Ok(await f.OtherEng.GetAsync("/api/v1/doa-claims"));
        if (claims.GetProperty("claims").EnumerateArray().Any(x => Text(x, "claimId") == claimId)) problems.Add("the engineer's claim list shows another's claim");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The owner still sees each record as it was.
        Assert.Equal("Reserved", Text(await Ok(await f.Eng.GetAsync($"/api/v1/part-requests/{reserved}")), "state"));
        Assert.Equal("Shipped", Text(await Ok(await f.Eng.GetAsync($"/api/v1/part-requests/{shipped}")), "state"));
        Assert.Equal("Delivered", Text(await Ok(await f.Eng.GetAsync($"/api/v1/part-requests/{delivered}")), "state"));
        Assert.Equal("Open", Text(await Ok(await f.Eng.GetAsync($"/api/v1/returns/{returnId}")), "state"));
        Assert.Equal("Filed", Text(await Ok(await f.Eng.GetAsync($"/api/v1/doa-claims/{claimId}")), "state"));
    }

    /// <summary>
    /// A body over the gateway's limit is refused (413 from the gateway; a body the service would refuse anyway may get the
    /// service's 400 first), never 500, and nothing is stored; on the gRPC port too.
    /// </summary>
    [Fact]
    public async Task An_oversize_body_is_refused_with_413_or_400_never_500_and_writes_nothing()
    {
        var limit = GatewayRoute.Settings().GetProperty("Gateway").GetProperty("MaxRequestBodyBytes").GetInt64();
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var admin = await stack.RestAsAsync($"big-{id}", "admin");
        // A valid part with a large field the service ignores (unknown fields are skipped): were the body let through, the part would be stored.
        string Body(long size) => JsonSerializer.Serialize(new { description = "Big board", serialized = true, padding = new string('x', (int)size) });

        // Expect: 100-continue, as curl sends for a large body: the client waits for the answer to the headers before
        // uploading, so an early refusal is read rather than cut off mid-upload.
        async Task<(HttpStatusCode? Status, string Detail)> PutAsync(string part, HttpContent content)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/parts/{part}") { Content = content };
                request.Headers.ExpectContinue = true;
                using var response = await admin.SendAsync(request);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException e) when (e.InnerException is IOException)
            {
                return (null, e.Message + " " + e.InnerException.Message);
            }
        }

        // Just over the limit (and under the services' own 4 MB): the gateway's 413.
        var (overLimit, detail) = await PutAsync($"BIG1-{id}", new StringContent(Body(limit + 1024), Encoding.UTF8, "application/json"));
        Assert.True(overLimit == HttpStatusCode.RequestEntityTooLarge, $"a body of {limit + 1024} bytes → {overLimit}: {detail}");
        // 5 MB with its length announced, and 5 MB streamed without a length.
        var (five, fiveDetail) = await PutAsync($"BIG2-{id}", new StringContent(Body(5_000_000), Encoding.UTF8, "application/json"));
        Assert.True(overLimit is not null && five is not null, $"the connection was cut: {detail} {fiveDetail}");
        Assert.True(five is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"a 5 MB body → {five}: {fiveDetail}");
        var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Body(5_000_000))));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        streamed.Headers.ContentLength = null;
        // Without a length the gateway can only count while it streams: it answers 413 at the limit and closes the
        // connection, which a client still uploading may see as the connection cut rather than as the 413.
        var (chunked, chunkedDetail) = await PutAsync($"BIG3-{id}", streamed);
        Assert.True(chunked is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest or null, $"a 5 MB chunked body → {chunked}: {chunkedDetail}");
        output.WriteLine($"{limit + 1024} bytes → {(int?)overLimit}; 5 MB → {(int?)five} {fiveDetail}; 5 MB chunked → {(int?)chunked} {chunkedDetail}");

        // gRPC: a valid PutPart padded with a 2 MB unknown field (which the service would skip) through the gateway's gRPC port.
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpc);
        var inventory = new Logistics.Inventory.V1.InventoryService.InventoryServiceClient(channel);
        using var padded = new MemoryStream();
        var coded = new Google.Protobuf.CodedOutputStream(padded);
        new Logistics.Inventory.V1.PutPartRequest { PartNumber = $"BIG4-{id}", Description = "Big board", Serialized = true }.WriteTo(coded);
        coded.WriteTag(1000, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        coded.WriteBytes(Google.Protobuf.ByteString.CopyFrom(new byte[2 * limit]));
        coded.Flush();
        var message = Logistics.Inventory.V1.PutPartRequest.Parser.ParseFrom(padded.ToArray());
        StatusCode grpcStatus;
        try
        {
            await inventory.PutPartAsync(message, new Metadata { { "authorization", admin.DefaultRequestHeaders.Authorization!.ToString() } });
            grpcStatus = StatusCode.OK;
        }
        catch (RpcException e)
        {
            grpcStatus = e.StatusCode;
            output.WriteLine($"a {message.CalculateSize()} byte gRPC message → {e.Status}");
        }
        Assert.True(grpcStatus != StatusCode.OK, $"a gRPC message of {message.CalculateSize()} bytes (limit {limit}) went through the gateway and was stored");

        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            using var check = await admin.GetAsync($"/api/v1/parts/BIG{n}-{id}");
            Assert.Equal(HttpStatusCode.NotFound, check.StatusCode);
        }
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.parts WHERE part_number LIKE $1", $"%{id}"));
    }

    /// <summary>
    /// A user who sends more than the burst the settings allow gets 429 with Retry-After (and on gRPC RESOURCE_EXHAUSTED);
    /// another user is not affected. The burst is bounded: at most three times the limit, 300 calls.
    /// </summary>
    [Fact]
    public async Task A_user_over_the_rate_limit_gets_429_with_Retry_After_and_others_do_not()
    {
        var settings = GatewayRoute.Settings().GetProperty("RateLimits").GetProperty("PerUser");
        var limit = settings.GetProperty("TokenLimit").GetInt32();
        var budget = Math.Min(3 * limit, 300);
        var id = Guid.NewGuid().ToString("N")[..8];
        using var burst = await stack.RawRestAsAsync($"burst-{id}", "engineer");
        var path = $"/api/v1/requestable-parts/NO-PART-{id}";

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        var clock = Stopwatch.StartNew();

        async Task<bool> DrainAsync()
        {
            while (statuses.Count < budget)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, Math.Min(25, budget - statuses.Count)).Select(_ => burst.GetAsync(path)));
                statuses.AddRange(batch.Select(b => b.StatusCode));
                limited?.Dispose();
                limited = batch.FirstOrDefault(b => b.StatusCode == HttpStatusCode.TooManyRequests);
                foreach (var b in batch.Where(b => b != limited)) b.Dispose();
                if (limited is not null) return true;
            }
            return false;
        }

        Assert.True(await DrainAsync(), $"no 429 after {statuses.Count} calls in {clock.Elapsed.TotalSeconds:0.0} s (limit {limit})");
        using (limited)
        {
            Assert.True(limited!.Headers.TryGetValues("Retry-After", out var retryAfter), "a 429 without Retry-After");
            Assert.True(int.TryParse(retryAfter!.Single(), out var seconds) && seconds >= 1, $"Retry-After '{retryAfter!.Single()}'");
        }
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        output.WriteLine($"429 after {statuses.Count} calls ({statuses.Count(s => s != HttpStatusCode.TooManyRequests)} passed) in {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.True(statuses.Count(s => s != HttpStatusCode.TooManyRequests) >= limit,
            $"only {statuses.Count(s => s != HttpStatusCode.TooManyRequests)} calls passed before the limit of {limit}");

        // The same user on gRPC: RESOURCE_EXHAUSTED (the bucket refills every period, so drain it again if a refill came first).
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpc);
        var requests = new Logistics.Requests.V1.PartRequestsService.PartRequestsServiceClient(channel);
        var metadata = new Metadata { { "authorization", burst.DefaultRequestHeaders.Authorization!.ToString() } };
        StatusCode? grpcStatus = null;
        for (var attempt = 0; attempt < 3 && grpcStatus != StatusCode.ResourceExhausted; attempt++)
        {
            if (attempt > 0)
            {
                budget = statuses.Count + 100;
                await DrainAsync();
                limited?.Dispose();
            }
            try
            {
                await requests.GetRequestablePartAsync(new Logistics.Requests.V1.GetRequestablePartRequest { PartNumber = $"NO-PART-{id}" }, metadata);
                grpcStatus = StatusCode.OK;
            }
            catch (RpcException e)
            {
                grpcStatus = e.StatusCode;
            }
        }
        Assert.Equal(StatusCode.ResourceExhausted, grpcStatus);

        using var other = await stack.RawRestAsAsync($"calm-{id}", "engineer");
        using var calm = await other.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, calm.StatusCode);
    }

    /// <summary>One gRPC method of each service through the gateway's gRPC port: no token, a forged one or an expired one is UNAUTHENTICATED.</summary>
    [Fact]
    public async Task Every_service_refuses_a_grpc_call_without_a_valid_token()
    {
        var tokens = Tokens.For(stack);
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpc);
        var calls = new (string Service, Func<Metadata, Task> Call)[]
        {
            ("inventory", m => new Logistics.Inventory.V1.InventoryService.InventoryServiceClient(channel)
                .GetPartAsync(new Logistics.Inventory.V1.GetPartRequest { PartNumber = "NO-PART-1" }, m).ResponseAsync),
            ("inventory counts", m => new Logistics.Inventory.V1.StockCountService.StockCountServiceClient(channel)
                .GetCountAsync(new Logistics.Inventory.V1.GetCountRequest { CountId = "NO-COUNT-1" }, m).ResponseAsync),
            ("requests", m => new Logistics.Requests.V1.PartRequestsService.PartRequestsServiceClient(channel)
                .GetPartRequestAsync(new Logistics.Requests.V1.GetPartRequestRequest { RequestId = "NO-REQ-1" }, m).ResponseAsync),
            ("receipts", m => new Logistics.Receipts.V1.ReceiptsService.ReceiptsServiceClient(channel)
                .GetReceiptAsync(new Logistics.Receipts.V1.GetReceiptRequest { ReceiptId = "NO-RECEIPT-1" }, m).ResponseAsync),
            ("returns", m => new Logistics.Returns.V1.ReturnsService.ReturnsServiceClient(channel)
                .GetReturnAsync(new Logistics.Returns.V1.GetReturnRequest { ReturnId = "NO-RETURN-1" }, m).ResponseAsync),
            ("doa", m => new Logistics.Doa.V1.DoaClaimsService.DoaClaimsServiceClient(channel)
                .GetDoaClaimAsync(new Logistics.Doa.V1.GetDoaClaimRequest { ClaimId = "NO-CLAIM-1" }, m).ResponseAsync),
            ("custody", m => new Logistics.Custody.V1.CustodyService.CustodyServiceClient(channel)
                .GetSerialAsync(new Logistics.Custody.V1.GetSerialRequest { Serial = "NO-SERIAL-1" }, m).ResponseAsync),
        };
        var problems = new List<string>();
        foreach (var (service, call) in calls)
        {
            async Task<StatusCode> StatusOf(Metadata metadata)
            {
                try
                {
                    await call(metadata);
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            }
            static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
            foreach (var (what, metadata) in new[]
                     {
                         ("no token", new Metadata()),
                         ("signed by another key", Bearer(tokens.SignedByAnotherKey("grpc-user", AllRoles))),
                         ("expired", Bearer(tokens.Expired("grpc-user", AllRoles))),
                         ("unsigned", Bearer(tokens.Unsigned("grpc-user", AllRoles))),
                     })
            {
                var status = await StatusOf(metadata);
                if (status != StatusCode.Unauthenticated) problems.Add($"{service} {what} → {status}, expected Unauthenticated");
            }
            // The same call with a valid token passes the gateway: the service answers for itself (here NOT_FOUND, or a role refusal).
            var valid = await StatusOf(Bearer(tokens.Valid("grpc-user", "supervisor", "auditor", "delivery-manager", "warehouse")));
            if (valid is not (StatusCode.NotFound or StatusCode.PermissionDenied)) problems.Add($"{service} with a valid token → {valid}, expected the service's NotFound");
        }
        var putPart = await Assert.ThrowsAsync<RpcException>(async () => await new Logistics.Inventory.V1.InventoryService.InventoryServiceClient(channel)
            .PutPartAsync(new Logistics.Inventory.V1.PutPartRequest { PartNumber = "SEC-PART", Description = "x", Serialized = true },
                new Metadata { { "authorization", "Bearer " + tokens.Valid("grpc-engineer", "engineer") } }));
        if (putPart.StatusCode != StatusCode.PermissionDenied) problems.Add($"PutPart by an engineer → {putPart.StatusCode}, expected PermissionDenied");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // ---------------------------------------------------------------- helpers

    private static string RepoLayoutPath(string relative) => Logistics.LocalStack.RepoLayout.PathOf(relative);

    /// <summary>An HTTP/2 client with prior knowledge, for the gateway's cleartext gRPC port (each request must ask for 2.0 exactly too).</summary>
    private HttpClient Http2Client() => new()
    {
        BaseAddress = new Uri(stack.Stack.GatewayGrpc),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>
    /// JWTs made here, byte by byte (HS256 over base64url header and claims), with the claims DevTokenIssuer writes: sub,
    /// role (an array), iss, aud, iat, nbf, exp. Signed with the stack's key they are good tokens; each other method breaks
    /// exactly one thing.
    /// </summary>
    private sealed class Tokens(byte[] key, string validIssuer, string validAudience)
    {
        private static readonly byte[] AnotherKey = RandomNumberGenerator.GetBytes(48);

        public static Tokens For(TestStack stack)
        {
            var auth = GatewayRoute.Settings().GetProperty("Auth");
            return new Tokens(Encoding.UTF8.GetBytes(stack.Stack.SigningKey), auth.GetProperty("Issuer").GetString()!, auth.GetProperty("Audience").GetString()!);
        }

        public string Valid(string sub, params string[] roles) => Make(key, Claims(sub, roles));

        public string SignedByAnotherKey(string sub, string[] roles) => Make(AnotherKey, Claims(sub, roles));

        public string Expired(string sub, string[] roles) =>
            Make(key, Claims(sub, roles, issuedAt: DateTimeOffset.UtcNow.AddHours(-2), expires: DateTimeOffset.UtcNow.AddMinutes(-10)));

        public string NotYetValid(string sub, string[] roles) =>
            Make(key, Claims(sub, roles, issuedAt: DateTimeOffset.UtcNow.AddHours(1), expires: DateTimeOffset.UtcNow.AddHours(2)));

        public string Unsigned(string sub, string[] roles) => Make(null, Claims(sub, roles));

        public string ForAudience(string other, string sub, string[] roles) => Make(key, Claims(sub, roles, audience: other));

        public string FromIssuer(string other, string sub, string[] roles) => Make(key, Claims(sub, roles, issuer: other));

        public string WithoutSubject(string[] roles)
        {
            var claims = Claims("", roles);
            claims.Remove("sub");
            return Make(key, claims);
        }

        private Dictionary<string, object> Claims(string sub, string[] roles, DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null,
            string? issuer = null, string? audience = null)
        {
            var iat = issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1);
            return new Dictionary<string, object>
            {
                // Staff work for a centre (the routes' placeholder ids name none that exists), so a centre-bound list passes too.
                ["sub"] = sub, ["role"] = roles, ["centres"] = new[] { "SEC-CENTRE" }, ["iss"] = issuer ?? validIssuer, ["aud"] = audience ?? validAudience,
                ["iat"] = iat.ToUnixTimeSeconds(), ["nbf"] = iat.ToUnixTimeSeconds(), ["exp"] = (expires ?? iat.AddHours(1)).ToUnixTimeSeconds(),
            };
        }

        private static string Make(byte[]? signingKey, Dictionary<string, object> claims)
        {
            var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = signingKey is null ? "none" : "HS256", typ = "JWT" }));
            var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
            var signed = header + "." + payload;
            return signed + "." + (signingKey is null ? "" : Base64Url(HMACSHA256.HashData(signingKey, Encoding.ASCII.GetBytes(signed))));
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
