using System.Net;
using System.Text;
using Dapr;
using Grpc.Core;
using Logistics.Sidecar.Tests.Harness;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>Dapr's two shared tokens: APP_API_TOKEN (sidecar → app) and DAPR_API_TOKEN (app → sidecar).</summary>
public sealed class ApiTokenTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    private const string AppToken = "app-token-0123456789";
    private const string DaprToken = "dapr-token-9876543210";

    [Fact]
    public async Task App_api_token_is_sent_as_dapr_api_token_on_discovery_and_every_delivery()
    {
        // Dapr rule (app API token authentication): daprd started with APP_API_TOKEN sends it in the dapr-api-token header
        // on every call to the app: GET /dapr/subscribe and every event delivered.
        var topic = Unique("tokened");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port, environment: new Dictionary<string, string> { ["APP_API_TOKEN"] = AppToken });
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic, null);
        await PublishAsync(sidecar, topic, null);
        await Waits.ForDeliveriesAsync(subscriber, topic, 2, sidecar);

        var calls = subscriber.Calls;
        Assert.Contains(calls, c => c.Path == "/dapr/subscribe");
        Assert.Equal(2, calls.Count(c => c.Path == $"/events/{topic}"));
        Assert.All(calls, c => Assert.Equal(AppToken, c.ApiToken));
    }

    [Fact]
    public async Task Without_app_api_token_no_dapr_api_token_header_is_sent()
    {
        // Dapr rule: without APP_API_TOKEN daprd sends no dapr-api-token to the app.
        var topic = Unique("untokened");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port);
        await sidecar.WaitReadyAsync();
        await PublishAsync(sidecar, topic, null);
        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
        Assert.All(subscriber.Calls, c => Assert.Null(c.ApiToken));
    }

    [Fact]
    public async Task Dapr_api_token_is_required_on_the_http_api_with_401_but_health_stays_open()
    {
        // Dapr rule (API token authentication): daprd started with DAPR_API_TOKEN answers 401 "invalid api token" to an
        // HTTP API call whose dapr-api-token header is missing or wrong, and publishes nothing; GET /v1.0/healthz and
        // /v1.0/healthz/outbound stay open (kubelet probes carry no token).
        var topic = Unique("guarded");
        await using var sidecar = env.StartSidecar(Unique("app"), environment: new Dictionary<string, string> { ["DAPR_API_TOKEN"] = DaprToken });
        await sidecar.WaitReadyAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync(sidecar, topic, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync(sidecar, topic, "wrong-" + DaprToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync(sidecar, topic, DaprToken[..^1]));
        using (var metadata = await sidecar.Http.GetAsync("/v1.0/metadata"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, metadata.StatusCode);
            Assert.Equal("invalid api token", (await metadata.Content.ReadAsStringAsync()).Trim());
        }
        Assert.Equal(0, await env.StreamLengthAsync(topic));

        Assert.Equal(HttpStatusCode.NoContent, await sidecar.HealthAsync("/v1.0/healthz"));
        Assert.Equal(HttpStatusCode.NoContent, await sidecar.HealthAsync("/v1.0/healthz/outbound"));
        Assert.Equal(HttpStatusCode.NoContent, await PublishAsync(sidecar, topic, DaprToken));
        Assert.Equal(1, await env.StreamLengthAsync(topic));
    }

    [Fact]
    public async Task Dapr_api_token_is_required_on_the_grpc_api_as_unauthenticated()
    {
        // Dapr rule: with DAPR_API_TOKEN, a gRPC call without the dapr-api-token metadata, or with a wrong one, fails with
        // UNAUTHENTICATED; the .NET SDK sends the token (UseDaprApiToken, or DAPR_API_TOKEN in the app's environment).
        var topic = Unique("guarded-grpc");
        await using var sidecar = env.StartSidecar(Unique("app"), environment: new Dictionary<string, string> { ["DAPR_API_TOKEN"] = DaprToken });
        await sidecar.WaitOutboundReadyAsync();

        foreach (var token in new[] { null, "wrong" })
        {
            using var dapr = sidecar.CreateDaprClient(token);
            var e = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync(Pubsub, topic, new { n = 1 }));
            Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(e.InnerException).StatusCode);
        }
        Assert.Equal(0, await env.StreamLengthAsync(topic));

        using (var dapr = sidecar.CreateDaprClient(DaprToken))
            await dapr.PublishEventAsync(Pubsub, topic, new { n = 1 });
        Assert.Equal(1, await env.StreamLengthAsync(topic));
    }

    private static async Task<HttpStatusCode> PublishAsync(SidecarProcess sidecar, string topic, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/{Pubsub}/{topic}")
        {
            Content = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Add("dapr-api-token", token);
        using var response = await sidecar.Http.SendAsync(request);
        return response.StatusCode;
    }
}
