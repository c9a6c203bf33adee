using System.Net;
using System.Net.Http.Json;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway.Tests;

/// <summary>The catalogue search routes (the console's pickers): any signed-in user, nobody without a token.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CatalogueSearchRouteTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Theory]
    [InlineData("/api/v1/parts?query=board")]
    [InlineData("/api/v1/centres?query=sz")]
    public async Task A_search_without_a_token_is_refused_with_401(string path)
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/parts", Roles.Engineer)]
    [InlineData("/api/v1/parts", Roles.Warehouse)]
    [InlineData("/api/v1/centres", Roles.Engineer)]
    [InlineData("/api/v1/centres", Roles.Auditor)]
    public async Task Every_role_reaches_the_search(string path, string role)
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, path + "?query=a&pageSize=5", TestTokens.For(role)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(path + "?query=a&pageSize=5", (await response.Content.ReadFromJsonAsync<EchoedRequest>())!.Path); // the query reaches the service
    }

    [Fact]
    public async Task Another_method_on_the_search_path_is_not_routed()
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Post, "/api/v1/parts", TestTokens.For(Roles.Admin), JsonContent.Create(new { })));
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
