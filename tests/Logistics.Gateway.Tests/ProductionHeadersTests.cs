using System.Net;
using System.Net.Http.Json;
using System.Text;
using Logistics.Gateway.Tests.Support;
using Logistics.Testing;

namespace Logistics.Gateway.Tests;

/// <summary>
/// What the gateway tells a caller beyond the answer itself, as it runs outside development: no token-failure details,
/// no server name, nosniff and no-store on every answer, and a limit per client address for callers without a token.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProductionHeadersTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task An_expired_or_forged_token_gets_a_bare_challenge()
    {
        var expired = new Logistics.Hosting.Auth.DevTokenIssuer(
            new Logistics.Hosting.Auth.AuthOptions { SigningKey = TestTokens.SigningKey, DevTokens = { Lifetime = TimeSpan.FromMinutes(1) } },
            new TestClock(DateTimeOffset.UtcNow.AddHours(-2))).Issue("e1", ["engineer"]);
        var forged = new Logistics.Hosting.Auth.DevTokenIssuer(new Logistics.Hosting.Auth.AuthOptions { SigningKey = new string('k', 48) }).Issue("e1", ["engineer"]);

        foreach (var token in new[] { expired, forged })
        {
            using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", token));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate).ToString();
            Assert.Equal("Bearer", challenge); // not even "invalid_token": nothing that tells a forger how far they got
        }
    }

    [Theory]
    [InlineData("GET", "/api/v1/parts/02310QKA", true)] // proxied: the backend's answer
    [InlineData("GET", "/api/v1/parts/02310QKA", false)] // 401 from the gateway itself
    [InlineData("GET", "/healthz", false)]
    [InlineData("GET", "/no-such-route", false)]
    public async Task Every_answer_says_nosniff_and_no_store_and_names_no_server(string method, string path, bool withToken)
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(new HttpMethod(method), path, withToken ? TestTokens.For("engineer") : null));

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Server"), "Server: " + string.Join(",", response.Headers.TryGetValues("Server", out var s) ? s : []));
    }

    [Fact]
    public async Task Callers_without_a_token_are_limited_by_address_with_Retry_After_and_callers_with_one_are_not()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:DevTokens:Enabled"] = "true",
            ["RateLimits:Anonymous:TokenLimit"] = "3",
            ["RateLimits:Anonymous:TokensPerPeriod"] = "1",
            ["RateLimits:Anonymous:ReplenishmentPeriod"] = "01:00:00",
        });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var anonymous = await gateway.Http.GetAsync("/api/v1/parts/02310QKA");
            statuses.Add(anonymous.StatusCode);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));

        using var limited = await gateway.Http.GetAsync("/api/v1/parts/02310QKA");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
        using var token = await gateway.Http.PostAsJsonAsync("/dev/token", new { userId = "e1", roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode); // the dev endpoint is anonymous too

        // A caller with a valid token is limited per user by the route, not by the address.
        using var withToken = await gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/healthz", TestTokens.For("engineer")));
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [Theory]
    [InlineData("e1\u0000")]
    [InlineData("e\u00071")]
    [InlineData("\u001b[31me1")]
    [InlineData("e1\u0085")]
    public async Task The_dev_token_endpoint_refuses_control_characters_in_the_user_id(string userId)
    {
        using var response = await _gateway.Http.PostAsJsonAsync("/dev/token", new { userId, roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("userId must not contain control characters", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"userId":"\ud800","roles":["engineer"]}""")]
    [InlineData("""{"userId":"e1","roles":["\udc00"]}""")]
    public async Task The_dev_token_endpoint_answers_a_lone_surrogate_with_400(string body)
    {
        using var response = await _gateway.Http.PostAsync("/dev/token", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
