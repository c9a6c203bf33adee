namespace Logistics.Gateway.Tests.Support;

/// <summary>
/// One gateway for the tests that share it, with every cluster pointed at the test backends: the shipped routes go to
/// the echo backend (REST) or the gRPC health backend (gRPC). A test route sends grpc.health.v1.Health to the gRPC
/// backend too; the web console's catch-all goes to the echo backend. Dev tokens are on; each user may make <see cref="PermitsPerUser"/> calls.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int PermitsPerUser = 5;

    public static readonly string[] AppIds = ["requests", "receipts", "returns", "inventory", "doa", "custody"];

    public EchoBackend Echo { get; private set; } = null!;
    public GrpcHealthBackend GrpcBackend { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Echo = await EchoBackend.StartAsync();
        GrpcBackend = await GrpcHealthBackend.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Auth:DevTokens:Enabled"] = "true",
            ["RateLimits:PerUser:TokenLimit"] = PermitsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:PerUser:TokensPerPeriod"] = "1",
            ["RateLimits:PerUser:ReplenishmentPeriod"] = "01:00:00",
            // Every test calls from 127.0.0.1; the limit by address has a test of its own.
            ["RateLimits:Anonymous:TokenLimit"] = "100000",
            ["ReverseProxy:Routes:test-grpc-health:ClusterId"] = "inventory-grpc",
            ["ReverseProxy:Routes:test-grpc-health:AuthorizationPolicy"] = "authenticated",
            ["ReverseProxy:Routes:test-grpc-health:RateLimiterPolicy"] = "per-user",
            ["ReverseProxy:Routes:test-grpc-health:Match:Path"] = "/grpc.health.v1.Health/{**method}",
            ["ReverseProxy:Routes:test-grpc-health:Metadata:Listener"] = "grpc",
        };
        foreach (var appId in AppIds)
        {
            settings[$"ReverseProxy:Clusters:{appId}-http:Destinations:main:Address"] = Echo.Address;
            settings[$"ReverseProxy:Clusters:{appId}-grpc:Destinations:main:Address"] = GrpcBackend.Address;
        }
        settings["ReverseProxy:Clusters:web-http:Destinations:main:Address"] = Echo.Address; // the web console's pages
        Settings = settings;
        Gateway = await GatewayHost.StartAsync(settings);
    }

    /// <summary>The shared gateway's settings, for a test that needs a gateway of its own with one setting changed.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (GrpcBackend is not null) await GrpcBackend.DisposeAsync();
        if (Echo is not null) await Echo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
