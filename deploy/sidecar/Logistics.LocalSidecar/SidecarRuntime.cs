using Logistics.LocalSidecar.Delivery;
using Logistics.LocalSidecar.Pubsub;
using Logistics.LocalSidecar.Resources;
using StackExchange.Redis;

namespace Logistics.LocalSidecar;

/// <summary>
/// The sidecar's start-up, in daprd's order: components first (then the app may publish: healthz/outbound),
/// then the app (discovery through GET /dapr/subscribe), then one runner per subscription (healthz).
/// </summary>
public sealed class SidecarRuntime(
    SidecarOptions options,
    SidecarResources resources,
    PubsubRegistry pubsubs,
    SidecarState state,
    AppChannel app,
    Publisher publisher,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _log = loggers.CreateLogger("runtime");

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        foreach (var note in resources.Notes) _log.LogWarning("resources: {Note}", note);
        foreach (var pubsub in pubsubs.Components.Values) await WaitForRedisAsync(pubsub, stopping);
        state.MarkOutboundReady();

        if (options.AppPort is null)
        {
            _log.LogInformation("ready: no --app-port, so no subscriptions");
            state.MarkReady([]);
            return;
        }

        var subscriptions = await DiscoverAsync(stopping);
        var runners = new List<SubscriptionRunner>();
        foreach (var subscription in subscriptions)
        {
            var runner = new SubscriptionRunner(subscription, pubsubs.Components[subscription.PubsubName],
                resources.PoliciesFor(subscription.PubsubName).InboundRetry, app, publisher, loggers.CreateLogger("delivery"));
            await runner.PrepareAsync(stopping);
            runners.Add(runner);
        }
        state.MarkReady(subscriptions);
        _log.LogInformation("ready: app {AppId} at {App}, {Count} subscription(s)", options.AppId, options.AppBaseAddress, subscriptions.Count);

        await Task.WhenAll(runners.Select(r => r.RunAsync(stopping)));
    }

    private async Task WaitForRedisAsync(RedisStreams pubsub, CancellationToken stopping)
    {
        var logged = false;
        while (true)
        {
            try
            {
                await pubsub.PingAsync();
                var c = pubsub.Component;
                _log.LogInformation("component {Name} ({Type}) ready: Redis {Host}, redisDB {Db}, enableTLS {Tls}, consumerID {Group}, " +
                    "concurrency {Concurrency}, queueDepth {QueueDepth}, processingTimeout {Timeout}s, redeliverInterval {Interval}s, maxLenApprox {MaxLen}",
                    c.Name, PubsubComponent.Type, c.RedisHost, c.RedisDb, c.EnableTls ? "true" : "false", c.ConsumerId,
                    c.Concurrency, c.QueueDepth, c.ProcessingTimeout.TotalSeconds, c.RedeliverInterval.TotalSeconds,
                    c.MaxLenApprox?.ToString() ?? "unlimited");
                return;
            }
            catch (RedisException e)
            {
                // daprd would exit when a component cannot start; waiting lets the local stack start in any order.
                if (!logged) _log.LogWarning("component {Name}: waiting for Redis at {Host} ({Error})", pubsub.Component.Name, pubsub.Component.RedisHost, e.Message);
                logged = true;
                await Task.Delay(TimeSpan.FromMilliseconds(500), stopping);
            }
        }
    }

    private async Task<IReadOnlyList<Subscription>> DiscoverAsync(CancellationToken stopping)
    {
        _log.LogInformation("discovery: asking the app at {App} for its subscriptions (GET /dapr/subscribe)", options.AppBaseAddress);
        var json = await app.DiscoverAsync(stopping);
        if (json is null)
        {
            _log.LogInformation("discovery: the app has no /dapr/subscribe (404): no subscriptions");
            return [];
        }
        var found = Subscription.Parse(json, warning => _log.LogWarning("discovery: {Warning}", warning));
        var known = new List<Subscription>();
        foreach (var subscription in found)
        {
            if (!pubsubs.Components.TryGetValue(subscription.PubsubName, out var pubsub))
            {
                _log.LogWarning("discovery: {Subscription} names an unknown pubsub; skipped", subscription);
                continue;
            }
            // daprd leaves out a subscription outside the app's subscription scope: its events are never delivered.
            if (!pubsub.Component.Scopes.MaySubscribe(options.AppId, subscription.Topic))
            {
                _log.LogWarning("discovery: {Subscription} is outside app {AppId}'s subscription scope; skipped", subscription, options.AppId);
                continue;
            }
            _log.LogInformation("discovery: {Subscription}", subscription);
            known.Add(subscription);
        }
        return known;
    }
}
