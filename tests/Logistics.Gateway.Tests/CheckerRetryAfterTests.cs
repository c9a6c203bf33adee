using System.Net;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;
using Logistics.LocalStack.Invariants;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The invariant checker walks every centre through the gateway: past the per-user limit it waits as the gateway's
/// Retry-After says and carries on, saying so, instead of failing with a 429.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CheckerRetryAfterTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Past_the_rate_limit_the_checker_waits_as_told_and_every_call_succeeds()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings)
        {
            ["RateLimits:PerUser:TokenLimit"] = "2",
            ["RateLimits:PerUser:TokensPerPeriod"] = "2",
            ["RateLimits:PerUser:ReplenishmentPeriod"] = "00:00:01",
        };
        await using var gateway = await GatewayHost.StartAsync(settings);
        var said = new List<string>();
        using var http = new HttpClient(new RetryAfterHandler(line => { lock (said) said.Add(line); }) { InnerHandler = new SocketsHttpHandler() })
            { BaseAddress = gateway.Http.BaseAddress };
        var token = TestTokens.For(Roles.Auditor);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", token));
            answers.Add(response.StatusCode);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Contains(said, line => line.Contains("answered 429", StringComparison.Ordinal) && line.Contains("Retry-After", StringComparison.Ordinal));
    }
}
