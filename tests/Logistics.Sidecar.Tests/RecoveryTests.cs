using System.Net;
using System.Text;
using Logistics.LocalStack;
using Logistics.Sidecar.Tests.Harness;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>No event lost when the app, the sidecar or the subscriber's first start come at awkward times.</summary>
public sealed class RecoveryTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    [Fact]
    public async Task An_event_published_before_the_subscriber_app_is_up_is_delivered_once_it_starts()
    {
        // Dapr rule: the sidecar keeps asking the app for its subscriptions until it answers; the consumer group
        // is created then, at the start of the stream, so an event published meanwhile is delivered.
        var topic = Unique("early");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitOutboundReadyAsync();

        await PublishAsync(sidecar, topic, "published while the app is down");
        Assert.Empty(subscriber.DeliveriesOf(topic));

        await subscriber.StartAsync();
        var delivery = (await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar))[0];
        Assert.Equal("\"published while the app is down\"", delivery.CloudEvent["data"]!.ToJsonString());
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
    }

    [Fact]
    public async Task An_app_that_went_down_after_discovery_gets_the_event_when_it_is_back()
    {
        // Dapr rule: an unreachable app is a retriable failure; with an inbound retry policy that outlasts
        // processingTimeout the delivery is still failing when processingTimeout runs out, so the event stays pending
        // and is redelivered every processingTimeout until the app takes it.
        var topic = Unique("restart");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        var resources = env.BareResources(new Dictionary<string, string> { ["processingTimeout"] = "2000", ["redeliverInterval"] = "300" }, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: forever
            spec:
              policies:
                retries:
                  forever:
                    policy: constant
                    duration: 200ms
                    maxRetries: -1
              targets:
                components:
                  {Pubsub}:
                    inbound:
                      retry: forever
            """);
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, resources);
        await sidecar.WaitReadyAsync();

        await subscriber.StopAsync();
        await PublishAsync(sidecar, topic, "published while the app restarts");
        await Logistics.Testing.Eventually.Until(() => Task.FromResult(sidecar.Log.Contains("left pending, redelivered after")), WaitTimeout,
            "the delivery to fail through all its retries");
        Assert.Contains("app unreachable", sidecar.Log);
        Assert.Equal(1, await env.PendingAsync(topic, appId));

        await subscriber.StartAsync();
        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
    }

    [Fact]
    public async Task Events_published_before_the_subscriber_ever_subscribed_are_delivered()
    {
        // pubsub.redis rule: the consumer group is created with XGROUP CREATE <topic> <consumerID> 0 MKSTREAM, i.e.
        // at the beginning of the stream, not at `$`: events published before an app first subscribed reach it.
        var topic = Unique("backlog");
        await using (var publisher = env.StartSidecar(Unique("publisher")))
        {
            await publisher.WaitOutboundReadyAsync();
            for (var i = 1; i <= 3; i++) await PublishAsync(publisher, topic, $"event {i}");
        }

        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("late-subscriber");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);

        // At the default concurrency (10) the three reach the app at once, in any order.
        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 3, sidecar);
        Assert.Equal(["\"event 1\"", "\"event 2\"", "\"event 3\""], deliveries.Select(d => d.CloudEvent["data"]!.ToJsonString()).Order(StringComparer.Ordinal));
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
    }

    [Fact]
    public async Task A_sidecar_killed_mid_delivery_has_the_event_redelivered_by_the_next_one()
    {
        // pubsub.redis rule: an entry read but not acknowledged stays in the group's pending list; a sidecar for the
        // same app id (same consumer group) claims it once it has been pending for processingTimeout and delivers it
        // again, same CloudEvent id. This is what makes an event survive `kill -9` of the sidecar.
        var topic = Unique("crash");
        await using var subscriber = new TestSubscriber().Subscribe(topic, attempt => attempt == 1 ? Reply.Hangs : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");

        var first = env.StartSidecar(appId, subscriber.Port);
        try
        {
            await first.WaitReadyAsync();
            await PublishAsync(first, topic, "in flight when the sidecar dies");
            await Waits.ForDeliveriesAsync(subscriber, topic, 1, first);
            first.Kill();
            Assert.False(first.Process.IsRunning);
        }
        finally
        {
            await first.DisposeAsync();
        }
        Assert.Equal(1, await env.PendingAsync(topic, appId));

        await using var second = env.StartSidecar(appId, subscriber.Port);
        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 2, second);
        Assert.Equal(deliveries[0].EventId, deliveries[1].EventId);
        Assert.Equal(Reply.Success, deliveries[1].Reply);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, second);
        Assert.Contains("redeliver", second.Log);
    }

    [Fact]
    public async Task Sigterm_stops_the_sidecar_cleanly_and_leaves_unfinished_events_pending()
    {
        // Dapr rule: on SIGTERM the sidecar shuts down gracefully; an event it has not acknowledged is not lost but
        // stays pending for the next sidecar of the app id.
        var topic = Unique("stop");
        await using var subscriber = new TestSubscriber().Subscribe(topic, attempt => attempt == 1 ? Reply.Hangs : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        var sidecar = env.StartSidecar(appId, subscriber.Port);
        try
        {
            await sidecar.WaitReadyAsync();
            await PublishAsync(sidecar, topic, "in flight at shutdown");
            await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);

            ProcessTable.Signal(sidecar.Process.Pid, ProcessTable.SigTerm);
            Assert.True(ProcessTable.WaitForExit(sidecar.Process.Pid, TimeSpan.FromSeconds(10)), "exits within 10 s of SIGTERM");
            Assert.Contains("local sidecar stopped", sidecar.Log);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
        Assert.Equal(1, await env.PendingAsync(topic, appId));

        await using var next = env.StartSidecar(appId, subscriber.Port);
        await Waits.ForDeliveriesAsync(subscriber, topic, 2, next);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, next);
    }

    private static async Task PublishAsync(SidecarProcess sidecar, string topic, string text)
    {
        using var content = new StringContent($"\"{text}\"", Encoding.UTF8, "application/json");
        using var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
