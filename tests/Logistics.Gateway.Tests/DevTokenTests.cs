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
    public async Task Centres_go_into_the_token_as_an_array_and_bad_ones_are_400()
    {
        using var issued = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId = "w1", roles = new[] { "warehouse" }, centres = new[] { "SZ-01" } });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<TokenReply>())!.Token;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='))).RootElement;
        Assert.Equal(["SZ-01"], json.GetProperty("centres").EnumerateArray().Select(c => c.GetString()));

        using var without = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId = "w1", roles = new[] { "warehouse" } });
        Assert.Equal(HttpStatusCode.OK, without.StatusCode);

        foreach (var bad in new[] { """["SZ 01"]""", """["SZ\u000101"]""", """[""]""", """[null]""" })
        {
            using var response = await _gateway.Http.PostAsync("/dev/token",
                new StringContent($$"""{"userId":"w1","roles":["warehouse"],"centres":{{bad}}}""", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode && body.Contains("is not a centre id", StringComparison.Ordinal),
                $"centres {bad} → {(int)response.StatusCode}: {body}");
        }
    }

    [Fact]
    public async Task A_user_id_longer_than_64_characters_is_400()
    {
        using var response = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId = new string('u', 65), roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 64 characters", await response.Content.ReadAsStringAsync());
    }
}
