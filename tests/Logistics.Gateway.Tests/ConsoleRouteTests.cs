using System.Net;
using System.Net.Http.Json;
using Logistics.Gateway.Tests.Support;

namespace Logistics.Gateway.Tests;

/// <summary>The web console's catch-all route: pages reach it without a token; the API's space never does.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ConsoleRouteTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Theory]
    [InlineData("/")]
    [InlineData("/requests/PR-0000000000000001")]
    [InlineData("/_blazor/negotiate")]
    public async Task A_page_goes_to_the_console_without_a_token(string path)
    {
        using var response = await _gateway.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(path, (await response.Content.ReadFromJsonAsync<EchoedRequest>())!.Path);
    }

    [Theory]
    [InlineData("GET", "/api/v1/unknown")]
    [InlineData("GET", "/api/v1/parts-catalogue")]
    [InlineData("POST", "/logistics.inventory.v1.InventoryService/GetPart")]
    public async Task An_api_path_no_route_knows_is_the_gateways_404_and_never_reaches_the_console(string method, string path)
    {
        var before = fixture.Echo.Received.Count(r => r.Path == path);

        using var response = await _gateway.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Echo.Received.Count(r => r.Path == path));
    }

    [Fact]
    public async Task The_console_is_not_on_the_grpc_port()
    {
        using var response = await _gateway.GrpcPortHttp.SendAsync(
            GatewayHost.Request(HttpMethod.Get, "/requests", token: null, http2: true));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
