using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr;
using Grpc.Core;
using Logistics.Sidecar.Tests.Harness;
using Logistics.Testing;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>
/// Pub/sub topic scoping (publishingScopes, subscriptionScopes, allowedTopics, protectedTopics on the component), with
/// daprd's semantics (runtime/pubsub IsOperationAllowed). Each test names the rule it pins.
/// </summary>
public sealed class TopicScopeTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    [Fact]
    public async Task PublishingScopes_refuse_a_topic_outside_the_apps_list_with_403_ERR_PUBSUB_FORBIDDEN_and_grpc_PermissionDenied()
    {
        // Dapr rule: an app listed in publishingScopes ("app1=topic1;app2=topic2,topic3") publishes only its topics; any
        // other publish is refused (HTTP 403 ERR_PUBSUB_FORBIDDEN "topic X is not allowed for app id Y", gRPC
        // PERMISSION_DENIED) and nothing reaches the broker. Its own topics publish as usual.
        var (own, other, app) = (Unique("own"), Unique("other"), Unique("app"));
        var resources = env.ScopedResources(new Dictionary<string, string> { ["publishingScopes"] = $"{app}={own};{Unique("someone")}={other}" });
        await using var sidecar = env.StartSidecar(app, resourcesPath: resources);
        await sidecar.WaitReadyAsync();

        using (var response = await PublishAsync(sidecar, other))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("ERR_PUBSUB_FORBIDDEN", error.GetProperty("errorCode").GetString());
            Assert.Equal($"topic {other} is not allowed for app id {app}", error.GetProperty("message").GetString());
        }
        using (var dapr = sidecar.CreateDaprClient())
        {
            var e = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync(Pubsub, other, new { n = 1 }));
            Assert.Equal(StatusCode.PermissionDenied, Assert.IsType<RpcException>(e.InnerException).StatusCode);
            await dapr.PublishEventAsync(Pubsub, own, new { n = 1 });
        }
        using (var response = await PublishAsync(sidecar, own))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await env.StreamLengthAsync(other));
        Assert.Equal(2, await env.StreamLengthAsync(own));
    }

    [Fact]
    public async Task PublishingScopes_do_not_restrict_an_app_they_do_not_list_or_list_with_no_topics()
    {
        // Dapr rule (as daprd's code does it, whatever the docs say of "app3="): only a non-empty topic list restricts;
        // an app missing from publishingScopes, or listed with nothing after '=', may publish any topic that is not
        // protected. This is why deploy/dapr/components/pubsub.yaml also lists every topic in protectedTopics.
        var (topic, empty, unlisted) = (Unique("free"), Unique("empty"), Unique("unlisted"));
        var resources = env.ScopedResources(new Dictionary<string, string> { ["publishingScopes"] = $"{empty}=;{Unique("someone")}={Unique("t")}" });
        foreach (var app in new[] { empty, unlisted })
        {
            await using var sidecar = env.StartSidecar(app, resourcesPath: resources);
            await sidecar.WaitReadyAsync();
            using var response = await PublishAsync(sidecar, topic);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        Assert.Equal(2, await env.StreamLengthAsync(topic));
    }

    [Fact]
    public async Task ProtectedTopics_are_refused_to_every_app_whose_scope_does_not_list_them()
    {
        // Dapr rule: a topic in protectedTopics may be published only by an app whose publishingScopes list names it; an
        // app with no list (unlisted, or "app=") is refused it too.
        var (topic, owner, stranger) = (Unique("protected"), Unique("owner"), Unique("stranger"));
        var resources = env.ScopedResources(new Dictionary<string, string>
        {
            ["publishingScopes"] = $"{owner}={topic};{stranger}=",
            ["protectedTopics"] = topic,
        });
        await using (var sidecar = env.StartSidecar(stranger, resourcesPath: resources))
        {
            await sidecar.WaitReadyAsync();
            using var refused = await PublishAsync(sidecar, topic);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        await using (var sidecar = env.StartSidecar(Unique("unlisted"), resourcesPath: resources))
        {
            await sidecar.WaitReadyAsync();
            using var refused = await PublishAsync(sidecar, topic);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(0, await env.StreamLengthAsync(topic));
        await using (var sidecar = env.StartSidecar(owner, resourcesPath: resources))
        {
            await sidecar.WaitReadyAsync();
            using var allowed = await PublishAsync(sidecar, topic);
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        }
        Assert.Equal(1, await env.StreamLengthAsync(topic));
    }

    [Fact]
    public async Task AllowedTopics_refuse_every_other_topic_even_to_an_app_without_scopes()
    {
        // Dapr rule: with allowedTopics set, no app may publish (or subscribe to) a topic outside it, whatever its scopes.
        var (allowed, other) = (Unique("allowed"), Unique("other"));
        var resources = env.ScopedResources(new Dictionary<string, string> { ["allowedTopics"] = allowed });
        await using var sidecar = env.StartSidecar(Unique("app"), resourcesPath: resources);
        await sidecar.WaitReadyAsync();
        using (var refused = await PublishAsync(sidecar, other))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var ok = await PublishAsync(sidecar, allowed))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(0, await env.StreamLengthAsync(other));
    }

    [Fact]
    public async Task SubscriptionScopes_leave_out_a_subscription_outside_the_apps_list_so_its_events_are_never_delivered()
    {
        // Dapr rule: an app listed in subscriptionScopes gets only the subscriptions its list names; daprd skips the
        // others at discovery (they are not in its metadata), so events on those topics never reach the app, while they
        // are still published and delivered to the apps allowed to subscribe.
        var (wanted, unwanted, app) = (Unique("wanted"), Unique("unwanted"), Unique("subscriber"));
        var resources = env.ScopedResources(new Dictionary<string, string> { ["subscriptionScopes"] = $"{app}={wanted}" });
        await using var subscriber = new TestSubscriber().Subscribe(wanted, Reply.Success).Subscribe(unwanted, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(app, subscriber.Port, resources);
        await sidecar.WaitReadyAsync();

        using (var metadata = await sidecar.Http.GetAsync("/v1.0/metadata"))
        {
            var topics = (await metadata.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscriptions").EnumerateArray()
                .Select(s => s.GetProperty("topic").GetString()).ToList();
            Assert.Equal([wanted], topics);
        }
        using (var response = await PublishAsync(sidecar, unwanted)) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (var response = await PublishAsync(sidecar, wanted)) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Waits.ForDeliveriesAsync(subscriber, wanted, 1, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, unwanted, 0, sidecar);
        Assert.Contains($"{unwanted} -> /events/{unwanted} is outside app {app}'s subscription scope; skipped", sidecar.Log);
    }

    [Fact]
    public async Task Dead_letters_are_published_under_the_apps_publishing_scope()
    {
        // Dapr rule: daprd sends a dead letter through its publish path on the subscribing app's behalf, so the
        // dead-letter topic must be in that app's publishing scope; outside it the dead letter is refused (the local
        // sidecar leaves the event pending, as for any failed dead letter). In scope, the event lands there unchanged.
        var (topic, inScope, outOfScope, app) = (Unique("orders"), Unique("dead-in"), Unique("dead-out"), Unique("app"));
        var other = Unique("orders-b");
        var resources = env.ScopedResources(new Dictionary<string, string> { ["publishingScopes"] = $"{app}={topic},{other},{inScope}" });
        await using var subscriber = new TestSubscriber()
            .Subscribe(topic, Reply.Drop, deadLetterTopic: inScope)
            .Subscribe(other, Reply.Drop, deadLetterTopic: outOfScope);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(app, subscriber.Port, resources);
        await sidecar.WaitReadyAsync();

        using (var response = await PublishAsync(sidecar, topic)) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (var response = await PublishAsync(sidecar, other)) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
        await Waits.ForDeliveriesAsync(subscriber, other, 1, sidecar);

        await Eventually.Until(async () => await env.StreamLengthAsync(inScope) == 1, WaitTimeout, "the dead letter in scope");
        await Eventually.Until(() => Task.FromResult(sidecar.Log.Contains($"could not go to {outOfScope}")), WaitTimeout, "the refused dead letter");
        Assert.Equal(0, await env.StreamLengthAsync(outOfScope));
        Assert.Equal(1, await env.PendingAsync(other, app));
    }

    private static Task<HttpResponseMessage> PublishAsync(SidecarProcess sidecar, string topic) =>
        sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", new StringContent("""{"n":1}""", Encoding.UTF8, "application/json"));
}
