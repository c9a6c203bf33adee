using Logistics.LocalStack;
using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.Sidecar.Tests.Harness;

/// <summary>
/// One real Redis and one resources folder per test class. The component files use short timings so that
/// redelivery and retries show within seconds: processingTimeout 2s, redeliverInterval 300 (ms), inbound retry
/// constant 100ms × 3, outbound retry constant 100ms × 2.
/// </summary>
public sealed class SidecarEnvironment : IAsyncLifetime
{
    public const string Pubsub = "logistics-pubsub";
    public static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(2);
    public const int InboundMaxRetries = 3;

    /// <summary>Long enough to see a redelivery if there were one: processingTimeout plus a few reclaim rounds.</summary>
    public static readonly TimeSpan QuietWindow = ProcessingTimeout + TimeSpan.FromSeconds(1.5);

    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();
    private ConnectionMultiplexer? _redisClient;
    private int _sidecars;

    public TestRedis Redis { get; } = new();
    public string ResourcesPath => _folder.Sub("components");
    public string SidecarDll { get; } = RepoLayout.BuiltDll("deploy/sidecar/Logistics.LocalSidecar/Logistics.LocalSidecar.csproj");

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        _redisClient = await Redis.ConnectAsync();
        Directory.CreateDirectory(ResourcesPath);
        await File.WriteAllTextAsync(Path.Combine(ResourcesPath, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Pubsub}
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "{Redis.ConnectionString}"
                - name: processingTimeout
                  value: "{ProcessingTimeout.TotalSeconds}s"
                - name: redeliverInterval
                  value: "300"
            """);
        await File.WriteAllTextAsync(Path.Combine(ResourcesPath, "resiliency.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: test-resiliency
            spec:
              policies:
                retries:
                  delivery:
                    policy: constant
                    duration: 100ms
                    maxRetries: {InboundMaxRetries}
                  publish:
                    policy: constant
                    duration: 100ms
                    maxRetries: 2
              targets:
                components:
                  {Pubsub}:
                    inbound:
                      retry: delivery
                    outbound:
                      retry: publish
            """);
    }

    /// <summary>Starts a sidecar process (not waiting for it); dispose it to stop it.</summary>
    public SidecarProcess StartSidecar(string appId, int? appPort = null, string? resourcesPath = null, IReadOnlyDictionary<string, string>? environment = null) =>
        SidecarProcess.Start(SidecarDll, appId, appPort, resourcesPath ?? ResourcesPath,
            _folder.Sub($"logs/sidecar-{Interlocked.Increment(ref _sidecars)}-{appId}.log"), environment);

    public string TempPath(string name) => _folder.Sub(name);

    /// <summary>Entries of the topic that the app id's consumer group has read but not acknowledged.</summary>
    public async Task<long> PendingAsync(string topic, string appId) =>
        (await _redisClient!.GetDatabase().StreamPendingAsync(topic, appId)).PendingMessageCount;

    /// <summary>How many entries the topic's stream holds (0 when nothing was ever published to it).</summary>
    public async Task<long> StreamLengthAsync(string topic) => await _redisClient!.GetDatabase().StreamLengthAsync(topic);

    /// <summary>
    /// A resources folder like the default one whose pub/sub component also carries the given metadata, such as the
    /// topic scopes (publishingScopes, subscriptionScopes, allowedTopics, protectedTopics) or `concurrency`, each written
    /// as a folded YAML value.
    /// </summary>
    public string ScopedResources(IReadOnlyDictionary<string, string> scoping)
    {
        var folder = TempPath("scoped-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(ResourcesPath, "resiliency.yaml"), Path.Combine(folder, "resiliency.yaml"));
        var extra = string.Concat(scoping.Select(s =>
            $"\n    - name: {s.Key}\n      value: >-\n        {s.Value.Replace(";", ";\n        ", StringComparison.Ordinal)}"));
        File.WriteAllText(Path.Combine(folder, "pubsub.yaml"), File.ReadAllText(Path.Combine(ResourcesPath, "pubsub.yaml")).TrimEnd() + extra + "\n");
        return folder;
    }

    /// <summary>
    /// A resources folder whose only file is a pub/sub component with redisHost and the given metadata, and no
    /// resiliency policy unless one is given: everything left out takes daprd's and pubsub.redis' defaults.
    /// </summary>
    public string BareResources(IReadOnlyDictionary<string, string>? metadata = null, string? resiliency = null)
    {
        var folder = TempPath("bare-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var extra = string.Concat((metadata ?? new Dictionary<string, string>()).Select(m => $"\n    - name: {m.Key}\n      value: \"{m.Value}\""));
        File.WriteAllText(Path.Combine(folder, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Pubsub}
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "{Redis.ConnectionString}"{extra}
            """);
        if (resiliency is not null) File.WriteAllText(Path.Combine(folder, "resiliency.yaml"), resiliency);
        return folder;
    }

    /// <summary>The consumer groups of a topic's stream (XINFO GROUPS).</summary>
    public async Task<IReadOnlyList<string>> GroupsAsync(string topic) =>
        (await _redisClient!.GetDatabase().StreamGroupInfoAsync(topic)).Select(g => g.Name).ToList();

    /// <summary>CLIENT LIST: one line per connection to the test Redis (name, flags, the command it runs).</summary>
    public async Task<IReadOnlyList<string>> ClientsAsync() =>
        (await _redisClient!.GetServers()[0].ClientListAsync()).Select(c => c.Raw ?? "").ToList();

    public async Task DisposeAsync()
    {
        if (_redisClient is not null) await _redisClient.DisposeAsync();
        await Redis.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>A name no other test uses (topics and app ids), so tests sharing one Redis stay apart.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
