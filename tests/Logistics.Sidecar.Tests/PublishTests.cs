using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Logistics.Sidecar.Tests.Harness;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>Publishing through the sidecar's gRPC and HTTP APIs, and the CloudEvent subscribers receive.</summary>
public sealed class PublishTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    private sealed record Order(string OrderId, int Quantity);

    [Fact]
    public async Task Grpc_publish_is_delivered_as_a_dapr_cloud_event()
    {
        // Dapr rule: PublishEvent wraps the data in a CloudEvent 1.0: a new uuid id, source = the publishing app id,
        // type com.dapr.event.sent, datacontenttype, JSON data embedded as JSON, topic, pubsubname, time and the
        // caller's trace context; the subscriber gets it as application/cloudevents+json with a traceparent header.
        var topic = Unique("orders");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        var publisherId = Unique("publisher");
        await using var publisher = env.StartSidecar(publisherId);
        await using var sidecar = env.StartSidecar(Unique("subscriber"), subscriber.Port);
        await publisher.WaitOutboundReadyAsync();
        await sidecar.WaitReadyAsync();

        using var activity = new Activity("publish-order").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (var dapr = publisher.CreateDaprClient())
            await dapr.PublishEventAsync(Pubsub, topic, new Order("o-1", 3));
        activity.Stop();

        var delivery = (await Waits.ForDeliveriesAsync(subscriber, topic, 1, publisher, sidecar))[0];
        Assert.True(Guid.TryParse(delivery.Field("id"), out _), $"id {delivery.Field("id")} is a uuid");
        Assert.Equal(publisherId, delivery.Field("source"));
        Assert.Equal("com.dapr.event.sent", delivery.Field("type"));
        Assert.Equal("1.0", delivery.Field("specversion"));
        Assert.Equal("application/json", delivery.Field("datacontenttype"));
        Assert.Equal(topic, delivery.Field("topic"));
        Assert.Equal(Pubsub, delivery.Field("pubsubname"));
        Assert.True(DateTimeOffset.TryParse(delivery.Field("time"), out var time) && Math.Abs((DateTimeOffset.UtcNow - time).TotalMinutes) < 5);
        Assert.Equal("""{"orderId":"o-1","quantity":3}""", delivery.CloudEvent["data"]!.ToJsonString());
        // UseCloudEvents hands the app the data itself.
        Assert.Equal(new Order("o-1", 3), JsonSerializer.Deserialize<Order>(delivery.Body, JsonSerializerOptions.Web));
        Assert.StartsWith("application/cloudevents+json", delivery.ContentType);
        var traceParent = delivery.Field("traceparent")!;
        Assert.Equal(activity.TraceId.ToHexString(), traceParent.Split('-')[1]);
        Assert.Equal(traceParent, delivery.TraceParent);
    }

    [Fact]
    public async Task Http_publish_wraps_each_content_type_as_dapr_does()
    {
        // Dapr rule: POST /v1.0/publish/{pubsub}/{topic} answers 204; the Content-Type header becomes datacontenttype;
        // application/json data is embedded as JSON, application/octet-stream as data_base64, other text as a
        // string; the request's traceparent / tracestate become the event's.
        var topic = Unique("notes");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        Assert.Equal(HttpStatusCode.NoContent, await PublishAsync(sidecar, topic, """{"a":1}""", "application/json", traceParent, "vendor=x"));
        Assert.Equal(HttpStatusCode.NoContent, await PublishAsync(sidecar, topic, "hello", "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, await PublishAsync(sidecar, topic, "\u0001\u0002", "application/octet-stream"));

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 3, sidecar);
        var json = deliveries.Single(d => d.Field("datacontenttype") == "application/json");
        Assert.Equal("""{"a":1}""", json.CloudEvent["data"]!.ToJsonString());
        Assert.Equal(traceParent, json.Field("traceparent"));
        Assert.Equal("vendor=x", json.Field("tracestate"));
        Assert.Equal(traceParent, json.TraceParent);
        Assert.Equal(appId, json.Field("source"));
        var text = deliveries.Single(d => d.Field("datacontenttype") == "text/plain");
        Assert.Equal("hello", text.Field("data"));
        var binary = deliveries.Single(d => d.Field("datacontenttype") == "application/octet-stream");
        Assert.Equal(Convert.ToBase64String([1, 2]), binary.Field("data_base64"));
        Assert.Null(binary.CloudEvent["data"]);
    }

    [Fact]
    public async Task Cloudevent_metadata_overrides_set_the_event_id_type_and_source()
    {
        // Dapr rule: publish metadata cloudevent.id / cloudevent.type / cloudevent.source override the envelope's
        // fields (the outbox relay sets cloudevent.id so a republished event keeps its id); over HTTP the
        // metadata comes as ?metadata.<key>=<value>.
        var topic = Unique("outbox");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port);
        await sidecar.WaitReadyAsync();

        using (var dapr = sidecar.CreateDaprClient())
        {
            var metadata = new Dictionary<string, string>
            {
                ["cloudevent.id"] = "order-7-created",
                ["cloudevent.type"] = "logistics.order.created.v1",
                ["cloudevent.source"] = "requests-outbox",
            };
            await dapr.PublishEventAsync(Pubsub, topic, new Order("o-7", 1), metadata);
            // The relay publishing the same outbox row again after a crash.
            await dapr.PublishEventAsync(Pubsub, topic, new Order("o-7", 1), metadata);
        }
        using (var content = new StringContent("""{"n":2}""", Encoding.UTF8, "application/json"))
        using (var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}?metadata.cloudevent.id=http-id-1", content))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 3, sidecar);
        var grpc = deliveries.Where(d => d.EventId == "order-7-created").ToList();
        Assert.Equal(2, grpc.Count);
        Assert.All(grpc, d => Assert.Equal("logistics.order.created.v1", d.Field("type")));
        Assert.All(grpc, d => Assert.Equal("requests-outbox", d.Field("source")));
        Assert.Single(deliveries, d => d.EventId == "http-id-1");
    }

    [Fact]
    public async Task A_published_cloud_event_is_kept_and_completed()
    {
        // Dapr rule: data published as application/cloudevents+json is used as the event itself (its id, source,
        // type, data kept); the sidecar only sets topic and pubsubname and fills in what is missing (time, tracing).
        var topic = Unique("ce");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port);
        await sidecar.WaitReadyAsync();

        var published = """
            {"specversion":"1.0","id":"ce-1","source":"custody","type":"custody.transferred","datacontenttype":"application/json","data":{"item":"x"},"topic":"other"}
            """;
        Assert.Equal(HttpStatusCode.NoContent, await PublishAsync(sidecar, topic, published, "application/cloudevents+json"));

        var delivery = (await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar))[0];
        Assert.Equal("ce-1", delivery.EventId);
        Assert.Equal("custody", delivery.Field("source"));
        Assert.Equal("custody.transferred", delivery.Field("type"));
        Assert.Equal("""{"item":"x"}""", delivery.CloudEvent["data"]!.ToJsonString());
        Assert.Equal(topic, delivery.Field("topic"));
        Assert.Equal(Pubsub, delivery.Field("pubsubname"));
        Assert.NotNull(delivery.Field("time"));
        Assert.NotNull(delivery.Field("traceparent"));
    }

    [Fact]
    public async Task Unknown_pubsub_is_rejected_like_daprd()
    {
        // Dapr rule: publishing to a pubsub name with no component answers HTTP 404 ERR_PUBSUB_NOT_FOUND and gRPC
        // INVALID_ARGUMENT; nothing is written.
        await using var sidecar = env.StartSidecar(Unique("app"));
        await sidecar.WaitOutboundReadyAsync();

        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await sidecar.Http.PostAsync("/v1.0/publish/no-such-pubsub/orders", content);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());

        using var dapr = sidecar.CreateDaprClient();
        var error = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync("no-such-pubsub", "orders", new Order("o", 1)));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task Dapr_grpc_methods_other_than_publish_answer_unimplemented()
    {
        // Local sidecar rule: only PublishEvent of dapr.proto.runtime.v1.Dapr is served; any other method (here
        // GetMetadata) answers UNIMPLEMENTED rather than something a service could mistake for an answer.
        await using var sidecar = env.StartSidecar(Unique("app"));
        await sidecar.WaitOutboundReadyAsync();

        using var dapr = sidecar.CreateDaprClient();
        var error = await Assert.ThrowsAsync<DaprException>(() => dapr.GetMetadataAsync());
        Assert.Equal(StatusCode.Unimplemented, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task Publishing_while_redis_is_down_fails_and_works_again_when_it_is_back()
    {
        // Dapr rule: a broker failure (after the outbound retry policy) answers HTTP 500 ERR_PUBSUB_PUBLISH_MESSAGE
        // and gRPC INTERNAL, so the publisher (the outbox relay) keeps its event and tries again.
        var topic = Unique("down");
        await using var sidecar = env.StartSidecar(Unique("app"));
        await sidecar.WaitOutboundReadyAsync();
        using var dapr = sidecar.CreateDaprClient();

        env.Redis.Server.Stop();
        try
        {
            using (var content = new StringContent("{}", Encoding.UTF8, "application/json"))
            using (var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", content))
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());
            }
            var error = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync(Pubsub, topic, new Order("o", 1)));
            Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(error.InnerException).StatusCode);
        }
        finally
        {
            await env.Redis.RestartAsync();
        }

        await Logistics.Testing.Eventually.Until(async () =>
        {
            try
            {
                await dapr.PublishEventAsync(Pubsub, topic, new Order("o", 2));
                return true;
            }
            catch (DaprException)
            {
                return false;
            }
        }, WaitTimeout, "a publish to succeed once Redis is back");
    }

    [Fact]
    public async Task Health_reports_outbound_first_and_ready_once_the_app_is_discovered()
    {
        // Dapr rule: /v1.0/healthz/outbound is 204 as soon as the components are up (an app may publish while it
        // starts); /v1.0/healthz only once the app answered /dapr/subscribe and its subscriptions run; a sidecar
        // with no app port is ready at once. /v1.0/metadata lists the app id and its subscriptions.
        var topic = Unique("health");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success, deadLetterTopic: topic + "-dead");
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitOutboundReadyAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, await sidecar.HealthAsync("/v1.0/healthz"));

        await subscriber.StartAsync();
        await sidecar.WaitReadyAsync();
        var metadata = JsonNode.Parse(await sidecar.Http.GetStringAsync("/v1.0/metadata"))!;
        Assert.Equal(appId, metadata["id"]!.GetValue<string>());
        var subscription = Assert.Single(metadata["subscriptions"]!.AsArray())!;
        Assert.Equal(topic, subscription["topic"]!.GetValue<string>());
        Assert.Equal(topic + "-dead", subscription["deadLetterTopic"]!.GetValue<string>());
        Assert.Contains("discovery: waiting for the app", sidecar.Log);

        await using var noApp = env.StartSidecar(Unique("no-app"));
        await noApp.WaitReadyAsync();
    }

    private static async Task<HttpStatusCode> PublishAsync(SidecarProcess sidecar, string topic, string body, string contentType,
        string? traceParent = null, string? traceState = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/{Pubsub}/{topic}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        if (traceState is not null) request.Headers.TryAddWithoutValidation("tracestate", traceState);
        using var response = await sidecar.Http.SendAsync(request);
        return response.StatusCode;
    }
}
