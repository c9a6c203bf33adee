using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RateLimitTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task A_user_past_the_limit_gets_429_while_another_user_still_passes()
    {
        var busy = TestTokens.For(Roles.Engineer);
        for (var i = 0; i < GatewayFixture.PermitsPerUser; i++)
        {
            using var allowed = await GetPart(busy);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var rejected = await GetPart(busy);
        using var other = await GetPart(TestTokens.For(Roles.Engineer));

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_grpc_caller_past_the_limit_gets_resource_exhausted()
    {
        var options = new CallOptions(new Metadata { { "Authorization", $"Bearer {TestTokens.For(Roles.Engineer)}" } });
        var client = new Health.HealthClient(_gateway.Grpc);
        for (var i = 0; i < GatewayFixture.PermitsPerUser; i++)
            await client.CheckAsync(new HealthCheckRequest(), options);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest(), options).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private Task<HttpResponseMessage> GetPart(string token) =>
        _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", token));
}
