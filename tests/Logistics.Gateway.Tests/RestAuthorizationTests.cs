using System.Net;
using System.Net.Http.Json;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;
using Logistics.Testing;

namespace Logistics.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RestAuthorizationTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task A_call_without_a_token_is_401()
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var forged = new DevTokenIssuer(TestTokens.Options("another-key-that-is-long-enough-0123456789"))
            .Issue(TestTokens.NewUserId(), [Roles.Admin]);
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", forged));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        // Issued 9 hours ago with the default 8-hour lifetime: an hour past expiry, far beyond the clock skew.
        var expired = new DevTokenIssuer(TestTokens.Options(), new TestClock(DateTimeOffset.UtcNow.AddHours(-9)))
            .Issue(TestTokens.NewUserId(), [Roles.Admin]);
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", expired));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_wrong_role_is_403_and_never_reaches_the_service()
    {
        var before = fixture.Echo.Received.Count;
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(
            HttpMethod.Put, "/api/v1/parts/02310QKA", TestTokens.For(Roles.Engineer), JsonContent.Create(new { description = "PSU" })));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, fixture.Echo.Received.Count);
    }

    [Fact]
    public async Task The_right_role_is_proxied_with_the_token_trace_context_and_forwarded_headers()
    {
        var token = TestTokens.For(Roles.Admin);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var request = GatewayHost.Request(HttpMethod.Put, "/api/v1/parts/02310QKA", token, JsonContent.Create(new { description = "PSU" }));
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9"); // a client cannot make itself look like someone else

        using var response = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = (await response.Content.ReadFromJsonAsync<EchoedRequest>())!;
        Assert.Equal("PUT", echoed.Method);
        Assert.Equal("/api/v1/parts/02310QKA", echoed.Path);
        Assert.Equal($"Bearer {token}", echoed.Headers["Authorization"]);
        // Same trace; the parent span may be the gateway's own.
        Assert.StartsWith($"00-{traceId}-", echoed.Headers["traceparent"]);
        Assert.Equal("127.0.0.1", echoed.Headers["X-Forwarded-For"]);
        Assert.Equal("http", echoed.Headers["X-Forwarded-Proto"]);
        Assert.Equal($"127.0.0.1:{_gateway.HttpPort}", echoed.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task The_method_decides_the_policy_put_part_is_admin_get_part_is_anyone()
    {
        var engineer = TestTokens.For(Roles.Engineer);
        using var put = await _gateway.Http.SendAsync(GatewayHost.Request(
            HttpMethod.Put, "/api/v1/parts/02310QKA", engineer, JsonContent.Create(new { description = "PSU" })));
        using var get = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", engineer));

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("GET", (await get.Content.ReadFromJsonAsync<EchoedRequest>())!.Method);
    }

    [Theory]
    [InlineData("GET", "/api/v1/requestable-parts/02310QKA", Roles.Engineer, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/part-requests/r-17:approve", Roles.Supervisor, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/part-requests/r-17:approve", Roles.Engineer, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/part-requests/r-17:cancel", Roles.Engineer, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/part-requests/r-17:cancel", Roles.Warehouse, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/centres/c-1/reservations", Roles.Warehouse, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/centres/c-1/reservations", Roles.Supervisor, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/centres/c-1/reservations", Roles.Auditor, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/centres/c-1:reconcile", Roles.Auditor, HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/centres/c-1/movements?partNumber=02310QKA", Roles.Engineer, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/receipts", Roles.Engineer, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/returns/rt-1:inspect", Roles.Engineer, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/doa-claims", Roles.DeliveryManager, HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/serials/SN123/custody", Roles.Auditor, HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/custody/anomalies", Roles.Engineer, HttpStatusCode.Forbidden)]
    [InlineData("POST", "/api/v1/custody/anomalies/AN-1:resolve", Roles.Supervisor, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/custody/anomalies/AN-1:resolve", Roles.Auditor, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "/api/v1/calendars/cn", Roles.Admin, HttpStatusCode.OK)]
    [InlineData("PUT", "/api/v1/calendars/cn", Roles.Supervisor, HttpStatusCode.Forbidden)]
    [InlineData("GET", "/api/v1/calendars/cn", Roles.Engineer, HttpStatusCode.OK)]
    [InlineData("PUT", "/api/v1/sites/SITE-1", Roles.Admin, HttpStatusCode.OK)]
    [InlineData("PUT", "/api/v1/sites/SITE-1", Roles.Engineer, HttpStatusCode.Forbidden)]
    [InlineData("GET", "/api/v1/sites/SITE-1", Roles.Auditor, HttpStatusCode.OK)]
    public async Task Routes_of_every_service_apply_the_roles_of_the_api(string method, string path, string role, HttpStatusCode expected)
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(
            new HttpMethod(method), path, TestTokens.For(role), method is "POST" or "PUT" ? JsonContent.Create(new { }) : null));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
            Assert.Equal(path, (await response.Content.ReadFromJsonAsync<EchoedRequest>())!.Path);
    }

    [Fact]
    public async Task A_path_no_route_knows_is_404()
    {
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/unknown", TestTokens.For(Roles.Admin)));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var tooLarge = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        tooLarge.Headers.ContentType = new("application/json");
        using var response = await _gateway.Http.SendAsync(GatewayHost.Request(
            HttpMethod.Put, "/api/v1/parts/02310QKA", TestTokens.For(Roles.Admin), tooLarge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
