using System.Text.Json;
using Logistics.LocalSidecar.Resources;
using StackExchange.Redis;

namespace Logistics.LocalSidecar.Pubsub;

public sealed class PubsubNotFoundException(string pubsubName) : Exception($"pubsub {pubsubName} is not found")
{
    public string PubsubName { get; } = pubsubName;
}

public sealed class PublishRejectedException(string message) : Exception(message);

/// <summary>The topic is outside the app's publishing scope (daprd: HTTP 403 ERR_PUBSUB_FORBIDDEN, gRPC PERMISSION_DENIED).</summary>
public sealed class PublishForbiddenException(string topic, string appId) : Exception($"topic {topic} is not allowed for app id {appId}");

public sealed class PublishFailedException(string pubsub, string topic, Exception inner)
    : Exception($"error when publishing to topic {topic} in pubsub {pubsub}: {inner.Message}", inner);

/// <summary>The pubsub components this sidecar loaded, by name.</summary>
public sealed class PubsubRegistry(IReadOnlyDictionary<string, RedisStreams> components) : IAsyncDisposable
{
    public IReadOnlyDictionary<string, RedisStreams> Components { get; } = components;

    public static async Task<PubsubRegistry> ConnectAsync(SidecarResources resources)
    {
        var connected = new Dictionary<string, RedisStreams>(StringComparer.Ordinal);
        foreach (var (name, component) in resources.Pubsubs) connected[name] = await RedisStreams.ConnectAsync(component);
        return new PubsubRegistry(connected);
    }

    public RedisStreams Get(string name) =>
        Components.TryGetValue(name, out var pubsub) ? pubsub : throw new PubsubNotFoundException(name);

    public async ValueTask DisposeAsync()
    {
        foreach (var pubsub in Components.Values) await pubsub.DisposeAsync();
    }
}

/// <summary>Publishing, shared by the gRPC and HTTP APIs and by dead-lettering. Outbound retries follow the component's resiliency policy.</summary>
public sealed class Publisher(PubsubRegistry registry, SidecarResources resources, SidecarOptions options, ILoggerFactory loggers)
{
    private readonly ILogger log = loggers.CreateLogger("publish");

    public async Task<string> PublishAsync(PublishRequest request, CancellationToken ct)
    {
        var pubsub = registry.Get(request.PubsubName);
        if (request.Topic.Length == 0) throw new PublishRejectedException($"topic is empty in pubsub {request.PubsubName}");
        // Raw payloads skip the envelope and need matching subscriber settings; nothing here uses them.
        if (request.Metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var isRaw) && isRaw)
            throw new PublishRejectedException("rawPayload is not supported by the local sidecar");

        EnsureInScope(pubsub, request.Topic);

        var ce = CloudEvents.Create(request, options.AppId);
        var id = CloudEvents.StringField(ce, "id") ?? "?";
        await AddAsync(pubsub, request.Topic, JsonSerializer.SerializeToUtf8Bytes(ce), request.Metadata, ct);
        log.LogInformation("publish {Pubsub}/{Topic}: event {Id} ({ContentType}, {Bytes} bytes)",
            request.PubsubName, request.Topic, id, request.ContentType.Length > 0 ? request.ContentType : "no content type", request.Data.Length);
        return id;
    }

    /// <summary>
    /// As daprd does for a dead letter: the original event, unchanged (same id), to another topic of the same component.
    /// daprd sends it through its publish path, so the app's publishing scope applies to the dead-letter topic too.
    /// </summary>
    public Task PublishUnchangedAsync(RedisStreams pubsub, string topic, byte[] cloudEvent, CancellationToken ct)
    {
        EnsureInScope(pubsub, topic);
        return AddAsync(pubsub, topic, cloudEvent, null, ct);
    }

    private void EnsureInScope(RedisStreams pubsub, string topic)
    {
        if (pubsub.Component.Scopes.MayPublish(options.AppId, topic)) return;
        log.LogWarning("publish {Pubsub}/{Topic} refused: the topic is outside app {AppId}'s publishing scope", pubsub.Component.Name, topic, options.AppId);
        throw new PublishForbiddenException(topic, options.AppId);
    }

    private async Task AddAsync(RedisStreams pubsub, string topic, byte[] data, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var policy = resources.PoliciesFor(pubsub.Component.Name).OutboundRetry;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var retry = 0; ; retry++)
        {
            try
            {
                await pubsub.AddAsync(topic, data, metadata);
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                if (policy is null || !policy.AllowsRetry(retry) || policy.Delay(retry, clock.Elapsed) is not { } delay)
                {
                    log.LogError("publish {Pubsub}/{Topic} failed: {Error}", pubsub.Component.Name, topic, e.Message);
                    throw new PublishFailedException(pubsub.Component.Name, topic, e);
                }
                log.LogWarning("publish {Pubsub}/{Topic} failed ({Error}); retry {Retry} in {Delay} ms ({Policy})",
                    pubsub.Component.Name, topic, e.Message, retry + 1, (int)delay.TotalMilliseconds, policy.Name);
                await Task.Delay(delay, ct);
            }
        }
    }
}
