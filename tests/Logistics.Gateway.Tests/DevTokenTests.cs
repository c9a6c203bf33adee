using System.Net;
using System.Net.Http.Json;
using System.Text;
using Logistics.Gateway.Tests.Support;

namespace Logistics.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class DevTokenTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    private sealed record TokenReply(string Token);

    [Fact]
    public async Task When_enabled_it_returns_a_token_the_gateway_accepts_with_exactly_its_roles()
    {
        using var issued = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId = TestTokens.NewUserId(), roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<TokenReply>())!.Token;

        using var get = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", token));
        using var put = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Put, "/api/v1/parts/02310QKA", token, JsonContent.Create(new { })));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    [Theory]
    [InlineData("""{"userId":"","roles":["engineer"]}""", "userId is required")]
    [InlineData("""{"roles":["engineer"]}""", "userId is required")]
    [InlineData("""{"userId":"e1","roles":[]}""", "roles must name at least one")]
    [InlineData("""{"userId":"e1"}""", "roles must name at least one")]
    [InlineData("""{"userId":"e1","roles":["engineer","boss"]}""", "unknown role(s) 'boss'")]
    public async Task Bad_input_is_400_with_a_message_that_says_what_is_wrong(string body, string message)
    {
        using var response = await _gateway.Http.PostAsync("/dev/token", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_id_longer_than_64_characters_is_400()
    {
        using var response = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId = new string('u', 65), roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 64 characters", await response.Content.ReadAsStringAsync());
    }
}
