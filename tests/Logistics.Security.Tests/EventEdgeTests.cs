using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Testing;
using Xunit.Abstractions;
using static Logistics.Testing.Flow;

namespace Logistics.Security.Tests;

/// <summary>
/// Only the sidecar may deliver events, and a sidecar publishes only for its own app: the subscriber routes of every
/// service (found through each one's GET /dapr/subscribe) refuse forged CloudEvents without the app API token, and
/// nothing of them is applied; the sidecars refuse publishes without the Dapr API token and outside the app's topic scope.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EventEdgeTests(TestStack stack, ITestOutputHelper output)
{
    private const string Pubsub = "logistics-pubsub";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private sealed record SubscriberRoute(string AppId, string Topic, string Route);

    /// <summary>Everything that is not the app's own app API token, as a forger might try it.</summary>
    private IEnumerable<(string What, string? Token)> WrongTokens(string appId)
    {
        var other = stack.Stack.Layout.Apps.First(a => a.AppId != appId).AppId;
        var own = stack.Stack.Tokens[appId].AppApiToken;
        yield return ("no token", null);
        yield return ("a made-up token", "forged-" + Guid.NewGuid().ToString("N"));
        yield return ("the token with its last character changed", own[..^1] + (own[^1] == 'A' ? 'B' : 'A'));
        yield return ($"the app token of {other}", stack.Stack.Tokens[other].AppApiToken);
        yield return ("the app's own Dapr API token (the other direction)", stack.Stack.Tokens[appId].DaprApiToken);
    }

    [Fact]
    public async Task Subscription_discovery_without_the_app_token_is_401()
    {
        foreach (var app in stack.Stack.Layout.Apps)
        {
            foreach (var (what, token) in WrongTokens(app.AppId))
            {
                using var response = await SendAsync(HttpMethod.Get, app.AppId, "dapr/subscribe", token, null);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{app.AppId}: GET /dapr/subscribe with {what} → {(int)response.StatusCode}");
                Assert.Equal("", await response.Content.ReadAsStringAsync());
            }
            using var right = await SendAsync(HttpMethod.Get, app.AppId, "dapr/subscribe", stack.Stack.Tokens[app.AppId].AppApiToken, null);
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
    }

    [Fact]
    public async Task Every_subscriber_route_refuses_a_forged_event_without_the_right_app_token_and_applies_nothing()
    {
        var routes = await SubscriberRoutesAsync();
        var problems = new List<string>();
        var forgedIds = new Dictionary<string, List<string>>();
        foreach (var route in routes)
        {
            foreach (var (what, token) in WrongTokens(route.AppId))
            {
                var id = "forged-" + Guid.NewGuid().ToString("N");
                forgedIds.TryAdd(route.AppId, []);
                forgedIds[route.AppId].Add(id);
                // An empty event: were it applied, its inbox row alone would show it.
                using var response = await ForgeAsync(route, id, new JsonObject(), token);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    problems.Add($"{route.AppId} POST /{route.Route} ({route.Topic}) with {what} → {(int)response.StatusCode}, expected 401");
            }
        }
        foreach (var (app, ids) in forgedIds)
        {
            var written = await InboxRowsAsync(app, ids);
            if (written != 0) problems.Add($"{app}: {written} inbox row(s) written for forged events");
        }
        output.WriteLine($"{routes.Count} subscriber routes × {WrongTokens("requests").Count()} wrong tokens refused");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_forged_receipt_signed_leaves_a_shipped_request_shipped()
    {
        // The probe that moved a Shipped request to Delivered with no receipt: now refused on every subscriber of the topic.
        using var f = await StockedAsync(stack, units: 1);
        var requestId = await f.ReservedRequestAsync();
        await f.ShipAsync(requestId, f.Serials[0]);
        await f.RequestInStateAsync(requestId, "Shipped");
        var receipt = new ReceiptSigned
        {
            ReceiptId = "RCPT-FORGED-" + f.Id, Kind = "centre-to-engineer", Reference = requestId, CentreId = f.Centre, PartNumber = f.Part,
            Serials = { f.Serials[0] }, Quantity = 1, SignedBy = f.Engineer, SignedAt = Timestamp.FromDateTime(DateTime.UtcNow), Condition = "ok",
        };
        var ids = await ForgeOnEveryRouteAsync(EventTopics.ReceiptSigned, receipt);

        await Eventually.Never(async () => Text(await f.RequestAsync(requestId), "state") != "Shipped", Window, $"request {requestId} leaving Shipped");
        foreach (var (app, forged) in ids)
            Assert.Equal(0L, await InboxRowsAsync(app, forged));
    }

    [Fact]
    public async Task A_forged_part_catalogued_leaves_requests_catalogue_without_the_part()
    {
        var part = "FORGED-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var ids = await ForgeOnEveryRouteAsync(EventTopics.PartCatalogued,
            new PartCatalogued { PartNumber = part, Description = "Made up", Serialized = true, Unit = "pcs", Version = 1, OccurredAt = Timestamp.FromDateTime(DateTime.UtcNow) });
        Assert.Contains("requests", ids.Keys);
        await AssertPartNeverArrivesAsync(part);
        foreach (var (app, forged) in ids)
            Assert.Equal(0L, await InboxRowsAsync(app, forged));
    }

    [Fact]
    public async Task A_publish_through_a_sidecar_without_its_dapr_api_token_is_refused()
    {
        // The probe that put a made-up part into requests' catalogue through a sidecar's HTTP API: every sidecar now
        // wants its app's Dapr API token, over HTTP (401) and gRPC (UNAUTHENTICATED).
        var part = "FORGED-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var body = Catalogued(part);
        var problems = new List<string>();
        foreach (var app in stack.Stack.Layout.Apps)
        {
            var other = stack.Stack.Layout.Apps.First(a => a.AppId != app.AppId).AppId;
            foreach (var (what, token) in new[] { ("no token", null), ("a made-up token", "forged"), ($"{other}'s Dapr API token", stack.Stack.Tokens[other].DaprApiToken),
                         ("its app API token", stack.Stack.Tokens[app.AppId].AppApiToken) })
            {
                using var response = await PublishOverHttpAsync(app.AppId, EventTopics.PartCatalogued, body, token);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    problems.Add($"{app.AppId}-sidecar HTTP publish with {what} → {(int)response.StatusCode}, expected 401");
            }
            using var anonymous = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{app.DaprGrpcPort}").Build();
            var e = await Assert.ThrowsAsync<DaprException>(() => anonymous.PublishEventAsync(Pubsub, EventTopics.PartCatalogued, JsonDocument.Parse(body).RootElement));
            if (e.InnerException is not RpcException { StatusCode: StatusCode.Unauthenticated })
                problems.Add($"{app.AppId}-sidecar gRPC publish without a token → {e.InnerException?.Message}, expected UNAUTHENTICATED");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await AssertNotInStreamAsync(EventTopics.PartCatalogued, part);
        await AssertPartNeverArrivesAsync(part);
    }

    [Fact]
    public async Task A_publish_outside_the_apps_topic_scope_is_refused()
    {
        // With its own Dapr API token, each sidecar publishes only its app's topics: part-catalogued is inventory's alone
        // (403 ERR_PUBSUB_FORBIDDEN over HTTP, PERMISSION_DENIED over gRPC), and a topic no app owns is refused everywhere.
        var part = "FORGED-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var body = Catalogued(part);
        var owner = stack.PublisherOf(EventTopics.PartCatalogued);
        Assert.Equal("inventory", owner);
        var problems = new List<string>();
        foreach (var app in stack.Stack.Layout.Apps)
        {
            var token = stack.Stack.Tokens[app.AppId].DaprApiToken;
            var topics = new List<string> { "made-up-topic", $"dead-letter.{(app.AppId == "requests" ? "receipts" : "requests")}" };
            if (app.AppId != owner) topics.Add(EventTopics.PartCatalogued);
            foreach (var topic in topics)
            {
                using var response = await PublishOverHttpAsync(app.AppId, topic, body, token);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Forbidden || !text.Contains("ERR_PUBSUB_FORBIDDEN", StringComparison.Ordinal))
                    problems.Add($"{app.AppId}-sidecar publish to {topic} → {(int)response.StatusCode} {text}, expected 403 ERR_PUBSUB_FORBIDDEN");
            }
            if (app.AppId == owner) continue;
            using var dapr = stack.SidecarOf(app.AppId);
            var e = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync(Pubsub, EventTopics.PartCatalogued, JsonDocument.Parse(body).RootElement));
            if (e.InnerException is not RpcException { StatusCode: StatusCode.PermissionDenied })
                problems.Add($"{app.AppId}-sidecar gRPC publish to part-catalogued → {e.InnerException?.Message}, expected PERMISSION_DENIED");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await AssertNotInStreamAsync(EventTopics.PartCatalogued, part);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString))
            Assert.False(await redis.GetDatabase().KeyExistsAsync("made-up-topic"));
        await AssertPartNeverArrivesAsync(part);
    }

    // ---- helpers

    /// <summary>Inbox rows the app wrote for these event ids (a handled event always leaves one).</summary>
    private async Task<long> InboxRowsAsync(string appId, IEnumerable<string> eventIds) =>
        await stack.ScalarAsync<long>($"SELECT count(*) FROM {appId}.inbox WHERE event_id = ANY($1)", (object)eventIds.ToArray());

    private static string Catalogued(string part) =>
        JsonFormatter.Default.Format(new PartCatalogued { PartNumber = part, Description = "Made up", Serialized = true, Unit = "pcs", Version = 1 });

    /// <summary>Every subscriber route of every service, as each one announces it to its sidecar (GET /dapr/subscribe).</summary>
    private async Task<IReadOnlyList<SubscriberRoute>> SubscriberRoutesAsync()
    {
        var routes = new List<SubscriberRoute>();
        foreach (var app in stack.Stack.Layout.Apps)
        {
            using var response = await SendAsync(HttpMethod.Get, app.AppId, "dapr/subscribe", stack.Stack.Tokens[app.AppId].AppApiToken, null);
            var list = await Ok(response);
            var before = routes.Count;
            foreach (var s in list.EnumerateArray())
            {
                var route = s.TryGetProperty("route", out var r) ? r.GetString() : s.GetProperty("routes").GetProperty("default").GetString();
                routes.Add(new SubscriberRoute(app.AppId, s.GetProperty("topic").GetString()!, route!.TrimStart('/')));
            }
            Assert.True(routes.Count > before, $"{app.AppId} announces no subscription");
        }
        return routes;
    }

    /// <summary>POSTs the event, forged, to every route subscribed to the topic, with each wrong token; all must be 401.</summary>
    private async Task<Dictionary<string, List<string>>> ForgeOnEveryRouteAsync(string topic, IMessage message)
    {
        var data = JsonNode.Parse(JsonFormatter.Default.Format(message))!;
        var ids = new Dictionary<string, List<string>>();
        foreach (var route in (await SubscriberRoutesAsync()).Where(r => r.Topic == topic))
        {
            foreach (var (what, token) in WrongTokens(route.AppId))
            {
                var id = "forged-" + Guid.NewGuid().ToString("N");
                ids.TryAdd(route.AppId, []);
                ids[route.AppId].Add(id);
                using var response = await ForgeAsync(route, id, data.DeepClone(), token);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.AppId} POST /{route.Route} with {what} → {(int)response.StatusCode}");
            }
        }
        Assert.NotEmpty(ids);
        return ids;
    }

    private Task<HttpResponseMessage> ForgeAsync(SubscriberRoute route, string id, JsonNode data, string? token)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = id, ["source"] = "inventory", ["type"] = "com.dapr.event.sent",
            ["datacontenttype"] = "application/json", ["topic"] = route.Topic, ["pubsubname"] = Pubsub, ["data"] = data,
        };
        var content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
        return SendAsync(HttpMethod.Post, route.AppId, route.Route, token, content);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string appId, string path, string? token, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, $"http://127.0.0.1:{stack.Stack.Layout.App(appId).HttpPort}/{path}") { Content = content };
        if (token is not null) request.Headers.Add("dapr-api-token", token);
        return await Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PublishOverHttpAsync(string appId, string topic, string json, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{stack.Stack.Layout.App(appId).DaprHttpPort}/v1.0/publish/{Pubsub}/{topic}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Add("dapr-api-token", token);
        return await Http.SendAsync(request);
    }

    private async Task AssertNotInStreamAsync(string topic, string text)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync(topic);
        Assert.DoesNotContain(entries, e => ((string?)e["data"])?.Contains(text, StringComparison.Ordinal) == true);
    }

    private async Task AssertPartNeverArrivesAsync(string part)
    {
        using var engineer = await stack.RestAsAsync("sec-eng", "engineer");
        await Eventually.Never(async () => (await engineer.GetAsync($"/api/v1/requestable-parts/{part}")).StatusCode != HttpStatusCode.NotFound,
            Window, $"part {part} in requests' catalogue");
        Assert.Equal(0L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.requestable_parts WHERE part_number = $1", part));
    }
}
