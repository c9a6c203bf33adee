using System.Net;
using System.Net.Http.Headers;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway.Tests;

/// <summary>gRPC routes answer only on the gRPC port and REST routes only on the REST port, even with a valid token.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ListenerTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task A_grpc_path_on_the_rest_port_is_not_routed()
    {
        var request = GatewayHost.Request(HttpMethod.Post, "/grpc.health.v1.Health/Check", TestTokens.For(Roles.Admin),
            new ByteArrayContent([0, 0, 0, 0, 0]));
        request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var before = fixture.GrpcBackend.ReceivedAuthorization.Count;

        using var response = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.GrpcBackend.ReceivedAuthorization.Count);
    }

    [Fact]
    public async Task A_rest_path_on_the_grpc_port_is_not_routed()
    {
        var before = fixture.Echo.Received.Count;
        using var response = await _gateway.GrpcPortHttp.SendAsync(
            GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", TestTokens.For(Roles.Admin), http2: true));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Echo.Received.Count);
    }

    [Fact]
    public async Task The_dev_token_endpoint_is_on_the_rest_port_only()
    {
        using var response = await _gateway.GrpcPortHttp.PostAsync("/dev/token",
            new StringContent("""{"userId":"e1","roles":["engineer"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_answers_on_both_ports_without_a_token(string path)
    {
        using var rest = await _gateway.Http.GetAsync(path);
        using var grpc = await _gateway.GrpcPortHttp.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, grpc.StatusCode);
        Assert.Equal(HttpVersion.Version20, grpc.Version);
    }
}
