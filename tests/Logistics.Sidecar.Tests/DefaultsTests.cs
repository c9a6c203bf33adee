using System.Net;
using System.Text;
using Logistics.Sidecar.Tests.Harness;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>
/// What a component file or a resiliency policy leaves out takes daprd's and pubsub.redis' default, so the same
/// files behave alike under daprd and the local sidecar (deploy/dapr/components sets no `concurrency`, for one).
/// Sources: the Redis Streams component reference (docs.dapr.io, supported-pubsub/setup-redis-pubsub), whose table
/// has processingTimeout and redeliverInterval swapped, so their defaults are the ones components-contrib's code sets
/// (common/component/redis/redis.go, ParseClientFromProperties); the resiliency retry policy reference
/// (docs.dapr.io, operations/resiliency/policies/retries) and dapr/kit retry.DefaultConfig.
/// </summary>
public sealed class DefaultsTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    [Fact]
    public async Task Concurrency_defaults_to_10_as_pubsub_redis_documents()
    {
        // pubsub.redis `concurrency`: "The number of concurrent workers that are processing messages", default 10
        // (component reference table; components-contrib sets Concurrency = 10). So with the default a subscriber that
        // holds each delivery has 10 of them at once, never an 11th, and the other events wait unread until a worker is free.
        var topic = Unique("concurrency");
        const int events = 25;
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.HeldThenSuccess);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, env.BareResources());
        await sidecar.WaitReadyAsync();

        for (var i = 0; i < events; i++) await PublishAsync(sidecar, topic);

        await Waits.ForDeliveriesAsync(subscriber, topic, 10, sidecar);
        await Task.Delay(1000); // time for an 11th delivery to show, if the sidecar would start one
        Assert.True(subscriber.InHandler == 10,
            $"pubsub.redis' default concurrency is 10: expected 10 deliveries held at once, saw {subscriber.InHandler}\n{sidecar.Process.LogTail(30)}");
        Assert.Equal(10, subscriber.DeliveriesOf(topic).Count);
        Assert.Equal(10, await env.PendingAsync(topic, appId)); // read only for free workers: the other 15 are unread

        subscriber.ReleaseHeld();
        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, events, sidecar);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        Assert.Equal(events, deliveries.Select(d => d.EventId).Distinct().Count());
        Assert.True(subscriber.MaxConcurrent == 10, $"never more than the default 10 at once; saw {subscriber.MaxConcurrent}");
        Assert.Contains("concurrency 10", sidecar.Log);
    }

    [Fact]
    public async Task ConsumerID_defaults_to_the_app_id_as_daprd_fills_it_in()
    {
        // Dapr pub/sub component reference ("consumerID ... automatically generated"): daprd sets consumerID to the app
        // id when the component leaves it out, so each app id is one consumer group, whatever its number of replicas.
        var topic = Unique("consumer");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, env.BareResources());
        await sidecar.WaitReadyAsync();

        Assert.Equal([appId], await env.GroupsAsync(topic));
    }

    [Theory]
    [InlineData("processingTimeout 60s", "pubsub.redis code default (components-contrib redis.go; its docs table says 15s, swapped)")]
    [InlineData("redeliverInterval 15s", "pubsub.redis code default (components-contrib redis.go; its docs table says 60s, swapped)")]
    [InlineData("queueDepth 100", "pubsub.redis component reference: queueDepth defaults to 100")]
    [InlineData("maxLenApprox unlimited", "pubsub.redis component reference: maxLenApprox defaults to unlimited")]
    [InlineData("enableTLS false", "pubsub.redis component reference: enableTLS defaults to false")]
    [InlineData("redisDB 0", "pubsub.redis component reference: redisDB defaults to 0")]
    [InlineData("concurrency 10", "pubsub.redis component reference: concurrency defaults to 10")]
    public async Task Component_metadata_left_out_takes_the_pubsub_redis_default(string setting, string source)
    {
        await using var sidecar = env.StartSidecar(Unique("app"), resourcesPath: env.BareResources());
        await sidecar.WaitOutboundReadyAsync();

        var ready = sidecar.Log.Split('\n').SingleOrDefault(l => l.Contains($"component {Pubsub} (pubsub.redis) ready", StringComparison.Ordinal));
        Assert.True(ready is not null && ready.Contains(setting, StringComparison.Ordinal), $"expected {setting} ({source}); log:\n{sidecar.Log}");
    }

    [Fact]
    public async Task A_redeliverInterval_written_as_a_duration_is_warned_about_as_released_pubsub_redis_ignores_it()
    {
        // components-contrib (released): Settings.RedeliverInterval is tagged mapstructure:"-", so only a bare number of
        // milliseconds is read and "5s" silently leaves the 15s default (dapr/docs#5324; fixed by components-contrib#4601).
        // The local sidecar reads both, and says so at start, so a component file that would differ under daprd shows.
        await using var sidecar = env.StartSidecar(Unique("app"), resourcesPath: env.BareResources(new Dictionary<string, string> { ["redeliverInterval"] = "5s" }));
        await sidecar.WaitOutboundReadyAsync();
        Assert.Contains("redeliverInterval '5s' is a duration; released pubsub.redis reads only milliseconds", sidecar.Log);

        await using var milliseconds = env.StartSidecar(Unique("app"), resourcesPath: env.BareResources(new Dictionary<string, string> { ["redeliverInterval"] = "5000" }));
        await milliseconds.WaitOutboundReadyAsync();
        Assert.Contains("redeliverInterval 5s", milliseconds.Log);
        Assert.DoesNotContain("is a duration", milliseconds.Log);
    }

    [Fact]
    public async Task Without_an_inbound_retry_policy_a_failed_delivery_is_tried_once_as_daprd_has_no_built_in_pubsub_retry()
    {
        // Dapr's built-in retries (resiliency "Override default retry resiliency policies") cover service invocation,
        // actors and component initialisation, not pub/sub delivery: without a Resiliency resource an event the app
        // fails is delivered once; with no dead-letter topic pubsub.redis then acknowledges it (Dapr 1.17+), so it is
        // not delivered again, not even after processingTimeout.
        var topic = Unique("no-policy");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.ServerError);
        await subscriber.StartAsync();
        var appId = Unique("app");
        var resources = env.BareResources(new Dictionary<string, string> { ["processingTimeout"] = "2000", ["redeliverInterval"] = "300" });
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, resources);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 1, sidecar); // QuietWindow: longer than the 2 s processingTimeout
        Assert.Contains("inbound retry none", sidecar.Log);
    }

    [Fact]
    public async Task A_retry_policy_that_sets_nothing_is_constant_every_5s_forever_as_dapr_resiliency_documents()
    {
        // Resiliency retry policy reference: policy defaults to constant, duration to 5s, maxInterval to 60s and
        // maxRetries to -1 (forever) — dapr/kit retry.DefaultConfig. A RETRY answer is retried 5 s later.
        var topic = Unique("default-policy");
        await using var subscriber = new TestSubscriber().Subscribe(topic, attempt => attempt == 1 ? Reply.Retry : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        var resources = env.BareResources(resiliency: $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: defaults
            spec:
              policies:
                retries:
                  bare: {"{}"}
              targets:
                components:
                  {Pubsub}:
                    inbound:
                      retry: bare
            """);
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, resources);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 2, sidecar);
        var gap = deliveries[1].At - deliveries[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(4.8) && gap < TimeSpan.FromSeconds(8), $"retried after {gap.TotalMilliseconds} ms: expected the default constant 5s");
        Assert.Contains("inbound retry bare (constant, duration 5s, maxRetries -1)", sidecar.Log);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
    }

    private static async Task PublishAsync(SidecarProcess sidecar, string topic)
    {
        using var content = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json");
        using var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
