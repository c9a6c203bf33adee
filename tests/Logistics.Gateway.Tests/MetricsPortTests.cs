using System.Net;
using Logistics.Gateway.Tests.Support;
using Logistics.Testing;
using Microsoft.Extensions.Configuration;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The scrape endpoint answers without a token, so it is only on the gateway's metrics port: its public ports answer
/// 404 for /metrics (and nothing under it reaches the console's catch-all route).
/// </summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task Metrics_are_served_on_the_metrics_port_only_and_count_requests_per_route_and_status()
    {
        var metricsPort = FreePort.Next();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:MetricsPort"] = metricsPort.ToString() });
        using (var health = await gateway.Http.GetAsync("/healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        foreach (var path in new[] { "/metrics", "/metrics/", "/metrics/anything" })
        {
            using var rest = await gateway.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, rest.StatusCode);
            using var grpc = await gateway.GrpcPortHttp.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, grpc.StatusCode);
        }

        // The listener is the port the connection arrived on, not the Host header the client writes.
        using (var forged = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            forged.Headers.Host = $"127.0.0.1:{metricsPort}";
            using var response = await gateway.Http.SendAsync(forged);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        using var scrape = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds_count{", text);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && line.Contains("http_route=\"/healthz\"", StringComparison.Ordinal) && line.Contains("http_response_status_code=\"200\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_metrics_port_nothing_serves_metrics()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var response = await gateway.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public void The_gateway_refuses_a_metrics_port_out_of_range(string port)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:MetricsPort"] = port }).Build()));
        Assert.Contains("Gateway:MetricsPort", error.Message);
    }

    [Fact]
    public void The_gateway_refuses_a_metrics_port_that_is_one_of_its_public_ports()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:HttpPort"] = "9000", ["Gateway:GrpcPort"] = "9001", ["Gateway:MetricsPort"] = "9000" }).Build()));
        Assert.Contains("Gateway:MetricsPort (9000)", error.Message);
    }
}
