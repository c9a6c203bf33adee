using System.Net;
using System.Text.Json;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;
using Logistics.LocalStack;
using Microsoft.Extensions.Configuration;

namespace Logistics.Gateway.Tests;

/// <summary>The shipped appsettings.json, read as a file and as the gateway runs it, and the checks made at start.</summary>
public sealed class ConfigurationTests
{
    private static readonly string ShippedSettings = RepoLayout.PathOf("gateway/Logistics.Gateway/appsettings.json");

    [Fact]
    public void Every_route_has_a_known_authorization_policy_the_per_user_rate_limit_and_a_listener()
    {
        // The API's routes are built from the protos; appsettings.json adds only the console's catch-all.
        using var settings = JsonDocument.Parse(File.ReadAllText(ShippedSettings));
        var shipped = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject()
            .Select(r => (Name: r.Name, Policy: r.Value.GetProperty("AuthorizationPolicy").GetString()!, Limiter: r.Value.GetProperty("RateLimiterPolicy").GetString()!,
                Path: r.Value.GetProperty("Match").GetProperty("Path").GetString()!, Listener: r.Value.GetProperty("Metadata").GetProperty("Listener").GetString()!))
            .ToList();
        Assert.Equal(["web"], shipped.Select(r => r.Name));
        var routes = ApiRoutes.Build()
            .Select(r => (Name: r.RouteId, Policy: r.AuthorizationPolicy!, Limiter: r.RateLimiterPolicy!, Path: r.Match.Path!, Listener: r.Metadata![Listeners.MetadataKey]))
            .Concat(shipped).ToList();
        var knownPolicies = Roles.All.Append(LogisticsAuthentication.AuthenticatedPolicy).Append(GatewayPolicies.ConsoleVisitors).Concat(GatewayPolicies.AnyOf.Keys).ToHashSet();

        Assert.Equal(routes.Count, routes.Select(r => r.Name).Distinct().Count());
        foreach (var route in routes)
        {
            Assert.True(route.Policy is not null && knownPolicies.Contains(route.Policy), $"route {route.Name}: AuthorizationPolicy '{route.Policy}'");
            Assert.True(route.Limiter == "per-user", $"route {route.Name}: RateLimiterPolicy '{route.Limiter}'");
            var isGrpc = route.Path.StartsWith("/logistics.", StringComparison.Ordinal);
            Assert.True(route.Listener == (isGrpc ? "grpc" : "http"), $"route {route.Name}: Listener '{route.Listener}'");
        }
    }

    [Fact]
    public void The_shipped_clusters_point_at_the_ports_of_deploy_stack_json()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(ShippedSettings));
        var clusters = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters");
        foreach (var app in StackLayout.Load().Apps)
        {
            var grpc = clusters.GetProperty($"{app.AppId}-grpc");
            var http = clusters.GetProperty($"{app.AppId}-http");
            Assert.Equal($"http://127.0.0.1:{app.GrpcPort}", Address(grpc));
            Assert.Equal($"http://127.0.0.1:{app.HttpPort}", Address(http));
            Assert.Equal("2", grpc.GetProperty("HttpRequest").GetProperty("Version").GetString());
            Assert.Equal("RequestVersionExact", grpc.GetProperty("HttpRequest").GetProperty("VersionPolicy").GetString());
        }
        var web = StackLayout.Load().Web!;
        Assert.Equal($"http://127.0.0.1:{web.HttpPort}", Address(clusters.GetProperty($"{web.AppId}-http")));

        static string? Address(JsonElement cluster) =>
            cluster.GetProperty("Destinations").GetProperty("main").GetProperty("Address").GetString();
    }

    [Fact]
    public async Task With_the_shipped_defaults_dev_tokens_are_off_and_health_answers()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var token = await gateway.Http.PostAsync("/dev/token",
            new StringContent("""{"userId":"e1","roles":["engineer"]}""", System.Text.Encoding.UTF8, "application/json"));
        using var health = await gateway.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData(null, "ReverseProxy:Routes:open:AuthorizationPolicy", "has no AuthorizationPolicy")]
    [InlineData("anonymous", "ReverseProxy:Routes:open:AuthorizationPolicy", "has no AuthorizationPolicy")]
    [InlineData(null, "ReverseProxy:Routes:open:RateLimiterPolicy", "has no RateLimiterPolicy")]
    [InlineData(null, "ReverseProxy:Routes:open:Metadata:Listener", "has no Metadata.Listener")]
    public async Task The_gateway_refuses_to_start_with_a_route_that_is_not_protected(string? value, string key, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:open:ClusterId"] = "inventory-http",
            ["ReverseProxy:Routes:open:Match:Path"] = "/api/v1/open",
            ["ReverseProxy:Routes:open:AuthorizationPolicy"] = "authenticated",
            ["ReverseProxy:Routes:open:RateLimiterPolicy"] = "per-user",
            ["ReverseProxy:Routes:open:Metadata:Listener"] = "http",
        };
        settings[key] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await GatewayHost.StartAsync(settings)).DisposeAsync());

        Assert.Contains($"Gateway route 'open' {message}", AllMessages(error));
    }

    [Theory]
    [InlineData(null, "Auth is not configured: set Auth:SigningKey")]
    [InlineData("too-short-key", "Auth:SigningKey is too short")]
    public void The_gateway_refuses_to_start_without_a_usable_signing_key(string? key, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(new Dictionary<string, string?> { ["Auth:SigningKey"] = key }));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("logistics.doa.v1.DoaClaimsService/UploadEvidence", "11534336")]
    [InlineData("/logistics.doa.v1.DoaClaimsService/UploadEvidence", "0")]
    public void The_gateway_refuses_to_start_with_a_large_upload_that_is_not_a_method_path_and_a_positive_size(string path, string bytes)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Gateway:LargeGrpcUploads:{path}"] = bytes }).Build()));
        Assert.Contains("Gateway:LargeGrpcUploads maps a gRPC method's path", error.Message);
    }

    [Fact]
    public void Only_the_evidence_upload_may_send_more_than_the_request_body_limit()
    {
        var shipped = GatewayOptions.From(new ConfigurationBuilder().AddJsonFile(ShippedSettings).Build());
        Assert.Equal(1024 * 1024, shipped.MaxRequestBodyBytes);
        Assert.Equal(["/logistics.doa.v1.DoaClaimsService/UploadEvidence"], shipped.LargeGrpcUploads.Keys);
        Assert.Equal(11 * 1024 * 1024, shipped.LargeGrpcUploads.Values.Single());
    }

    private static string AllMessages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
                messages.AddRange(aggregate.InnerExceptions.Select(AllMessages));
        }
        return string.Join(" | ", messages);
    }
}
