using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Inventory.V1;
using Logistics.Requests.V1;
using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.EndToEnd.Tests;

/// <summary>One trivial event really flows: inventory's catalogue → Dapr pub/sub on Redis → requests, entered through the gateway.</summary>
[Collection(StackCollection.Name)]
public sealed class BackboneFlowTests(TestStack stack)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    private static string NewPartNumber() => "P" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [Fact]
    public async Task A_part_catalogued_through_the_gateway_reaches_requests_through_the_sidecars_and_redis()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("admin1", "admin");
        using var engineer = await stack.RestAsAsync("e1", "engineer");
        var traceId = "4bf92f3577b34da6a3ce929d0e0e" + Random.Shared.Next(0x1000, 0xffff).ToString("x4");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/parts/{partNumber}")
        {
            Content = JsonContent.Create(new { description = "Main control board", serialized = true }),
        };
        put.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var putResponse = await admin.SendAsync(put);

        Assert.Equal(HttpStatusCode.OK, putResponse.StatusCode);
        var part = await putResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, part.GetProperty("version").GetInt64());

        var copy = await Eventually.Until(
            async () => await engineer.GetAsync($"/api/v1/requestable-parts/{partNumber}"),
            r => r.StatusCode == HttpStatusCode.OK, Delivery, "requests to learn the part from inventory's event");
        var requestable = await copy.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Main control board", requestable.GetProperty("description").GetString());
        Assert.True(requestable.GetProperty("serialized").GetBoolean());
        Assert.Equal(1, requestable.GetProperty("catalogueVersion").GetInt64());

        // It travelled as a CloudEvent on the topic's Redis stream, carrying the caller's W3C trace.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync("part-catalogued");
        var cloudEvent = entries.Select(e => JsonDocument.Parse((string)e["data"]!).RootElement)
            .Single(ce => ce.GetProperty("data").GetProperty("partNumber").GetString() == partNumber);
        Assert.Equal("logistics.events.v1.PartCatalogued", cloudEvent.GetProperty("type").GetString());
        Assert.Equal("inventory", cloudEvent.GetProperty("source").GetString());
        Assert.Contains(traceId, cloudEvent.GetProperty("traceparent").GetString());
        // ...and the requests service applied it exactly once.
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", cloudEvent.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task The_same_flow_works_over_grpc_through_the_gateway()
    {
        var partNumber = NewPartNumber();
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpc);
        var admin = new Metadata { { "authorization", "Bearer " + await stack.TokenAsync("admin1", "admin") } };
        var engineer = new Metadata { { "authorization", "Bearer " + await stack.TokenAsync("e1", "engineer") } };

        var part = await new InventoryService.InventoryServiceClient(channel)
            .PutPartAsync(new PutPartRequest { PartNumber = partNumber, Description = "Fan module", Serialized = false, Unit = "pcs" }, admin);
        Assert.Equal(1, part.Version);

        var requests = new PartRequestsService.PartRequestsServiceClient(channel);
        var copy = await Eventually.Until(async () =>
        {
            try { return await requests.GetRequestablePartAsync(new GetRequestablePartRequest { PartNumber = partNumber }, engineer); }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound) { return null; }
        }, p => p is not null, Delivery, "requests to learn the part over gRPC");
        Assert.Equal("Fan module", copy!.Description);
    }

    [Fact]
    public async Task The_gateway_refuses_a_missing_or_bad_token_and_a_wrong_role_and_nothing_is_written()
    {
        var partNumber = NewPartNumber();
        var body = new { description = "Board", serialized = true };

        using var anonymous = await stack.Rest.PutAsJsonAsync($"/api/v1/parts/{partNumber}", body);
        using var forged = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/parts/{partNumber}") { Content = JsonContent.Create(body) };
        forged.Headers.Authorization = new("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbjEiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJl");
        using var forgedResponse = await stack.Rest.SendAsync(forged);
        using var engineer = await stack.RestAsAsync("e1", "engineer");
        using var wrongRole = await engineer.PutAsJsonAsync($"/api/v1/parts/{partNumber}", body);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        Assert.Equal(0L, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.parts WHERE part_number = $1", partNumber));
    }

    [Fact]
    public async Task The_service_checks_the_role_again_behind_the_gateway()
    {
        // A caller that reaches the service's own gRPC port directly (inside the network) still needs the role.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{stack.Stack.Layout.App("inventory").GrpcPort}");
        var engineer = new Metadata { { "authorization", "Bearer " + await stack.TokenAsync("e1", "engineer") } };

        var e = await Assert.ThrowsAsync<RpcException>(() => new InventoryService.InventoryServiceClient(channel)
            .PutPartAsync(new PutPartRequest { PartNumber = NewPartNumber(), Description = "Board" }, engineer).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task A_bad_field_is_refused_naming_it_and_writes_nothing()
    {
        using var admin = await stack.RestAsAsync("admin1", "admin");
        var outboxBefore = await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.outbox");

        using var noDescription = await admin.PutAsJsonAsync("/api/v1/parts/02310001", new { description = "", serialized = true });
        using var oversize = await admin.PutAsJsonAsync("/api/v1/parts/02310001", new { description = new string('x', 300_000) });
        using var badUnit = await admin.PutAsJsonAsync("/api/v1/parts/02310001", new { description = "Board", serialized = true, unit = "kg" });
        using var malformed = await admin.PutAsync("/api/v1/parts/02310001", new StringContent("{\"description\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, noDescription.StatusCode);
        Assert.Contains("description", await noDescription.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, oversize.StatusCode);
        Assert.Contains("description", await oversize.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badUnit.StatusCode);
        Assert.Contains("unit", await badUnit.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(0L, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.parts WHERE part_number = '02310001'"));
        Assert.Equal(outboxBefore, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.outbox"));
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_result_and_refuses_another_body()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("admin1", "admin");
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> Put(string description)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/parts/{partNumber}") { Content = JsonContent.Create(new { description }) };
            request.Headers.Add("Idempotency-Key", key);
            return await admin.SendAsync(request);
        }

        using var first = await Put("Power supply");
        using var again = await Put("Power supply");
        using var other = await Put("Power supply 2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Contains("idempotency-key", await other.Content.ReadAsStringAsync());
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT version FROM inventory.parts WHERE part_number = $1", partNumber));
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.outbox WHERE payload->>'partNumber' = $1", partNumber));
    }
}
