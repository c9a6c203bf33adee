using System.Net;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Logistics.Testing;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The gateway validates a token once and remembers it (<see cref="ValidatedTokenCache"/>), around the real
/// JsonWebTokenHandler with the gateway's own validation parameters: what it remembers must never let through a token
/// that full validation would refuse.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TokenCacheTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_token_is_validated_once_and_later_calls_get_the_same_caller_each_with_an_identity_of_its_own()
    {
        var (cache, inner, parameters) = Cache(new TokenCacheOptions());
        var token = TestTokens.ForUser("cache-user-1", Roles.Warehouse, Roles.Engineer);

        var first = await cache.ValidateTokenAsync(token, parameters);
        var second = await cache.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, inner.Validations);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        var caller = Caller.From(new System.Security.Claims.ClaimsPrincipal(second.ClaimsIdentity));
        Assert.Equal("cache-user-1", caller.UserId);
        Assert.True(caller.IsIn(Roles.Warehouse) && caller.IsIn(Roles.Engineer) && !caller.IsIn(Roles.Admin));
        // A change to one call's identity (a claims transformation) is not seen by the next call.
        second.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim(LogisticsAuthentication.RoleClaim, Roles.Admin));
        var third = await cache.ValidateTokenAsync(token, parameters);
        Assert.False(third.ClaimsIdentity.HasClaim(LogisticsAuthentication.RoleClaim, Roles.Admin));
    }

    [Fact]
    public async Task A_remembered_token_still_expires()
    {
        var (cache, inner, parameters) = Cache(new TokenCacheOptions { MaxAge = TimeSpan.FromHours(1) });
        parameters.ClockSkew = TimeSpan.Zero; // the gateway allows 30 s; none here, so the test need not wait for it
        var shortLived = new DevTokenIssuer(new AuthOptions { SigningKey = TestTokens.SigningKey, DevTokens = { Lifetime = TimeSpan.FromSeconds(2) } });
        var token = shortLived.Issue(TestTokens.NewUserId(), [Roles.Engineer]);
        var expires = new JsonWebToken(token).ValidTo;

        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, inner.Validations);
        while (DateTime.UtcNow <= expires.AddMilliseconds(200)) await Task.Delay(100);

        var late = await cache.ValidateTokenAsync(token, parameters);

        Assert.False(late.IsValid);
        Assert.IsAssignableFrom<SecurityTokenExpiredException>(late.Exception);
        Assert.Equal(2, inner.Validations);
        Assert.False((await cache.ValidateTokenAsync(token, parameters)).IsValid); // a refusal is never remembered
        Assert.Equal(3, inner.Validations);
    }

    [Fact]
    public async Task A_remembered_token_is_validated_again_after_the_maximum_age()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var (cache, inner, parameters) = Cache(new TokenCacheOptions { MaxAge = TimeSpan.FromMinutes(1) }, clock);
        var token = TestTokens.For(Roles.Engineer);

        await cache.ValidateTokenAsync(token, parameters);
        clock.Now += TimeSpan.FromSeconds(59);
        await cache.ValidateTokenAsync(token, parameters);
        Assert.Equal(1, inner.Validations);
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(2, inner.Validations);
    }

    [Fact]
    public async Task A_forged_or_altered_token_is_refused_after_the_genuine_one_was_remembered()
    {
        var (cache, _, parameters) = Cache(new TokenCacheOptions());
        var userId = TestTokens.NewUserId();
        var genuine = TestTokens.ForUser(userId, Roles.Engineer);
        Assert.True((await cache.ValidateTokenAsync(genuine, parameters)).IsValid);

        // The same caller and more, signed with another key.
        var forged = new DevTokenIssuer(TestTokens.Options("another-key-that-is-long-enough-0123456789")).Issue(userId, [Roles.Engineer, Roles.Admin]);
        // The genuine signature under an altered payload (admin added).
        var parts = genuine.Split('.');
        var adminPayload = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"engineer\"", "\"engineer\",\"admin\"", StringComparison.Ordinal));
        var altered = $"{parts[0]}.{adminPayload}.{parts[2]}";
        // The genuine token with its signature cut short.
        var truncated = genuine[..^2];

        foreach (var bad in new[] { forged, altered, truncated })
            Assert.False((await cache.ValidateTokenAsync(bad, parameters)).IsValid);
        Assert.Equal(1, cache.Count);
        Assert.True((await cache.ValidateTokenAsync(genuine, parameters)).IsValid);
    }

    [Fact]
    public async Task The_cache_is_bounded_and_a_token_beyond_the_bound_is_still_validated()
    {
        var (cache, inner, parameters) = Cache(new TokenCacheOptions { MaxEntries = 2 });
        var tokens = Enumerable.Range(0, 3).Select(_ => TestTokens.For(Roles.Engineer)).ToArray();

        foreach (var token in tokens)
            Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await cache.ValidateTokenAsync(tokens[2], parameters)).IsValid);

        Assert.Equal(2, cache.Count);
        Assert.Equal(4, inner.Validations); // the third token was not kept: validated in full both times
    }

    [Fact]
    public void The_gateway_validates_tokens_through_the_cache_unless_it_is_turned_off()
    {
        Assert.All(BearerOptions(null).TokenHandlers, h => Assert.IsType<ValidatedTokenCache>(h));
        Assert.DoesNotContain(BearerOptions(new() { ["Auth:TokenCache:MaxEntries"] = "0" }).TokenHandlers, h => h is ValidatedTokenCache);
    }

    [Fact]
    public async Task Through_the_gateway_a_forged_token_of_a_caller_who_was_just_let_in_is_401()
    {
        var userId = TestTokens.NewUserId();
        using var genuine = await fixture.Gateway.Http.SendAsync(GatewayHost.Request(HttpMethod.Get, "/api/v1/parts/02310QKA", TestTokens.ForUser(userId, Roles.Engineer)));
        var forged = new DevTokenIssuer(TestTokens.Options("another-key-that-is-long-enough-0123456789")).Issue(userId, [Roles.Admin]);
        using var refused = await fixture.Gateway.Http.SendAsync(GatewayHost.Request(
            HttpMethod.Put, "/api/v1/parts/02310QKA", forged, System.Net.Http.Json.JsonContent.Create(new { description = "PSU" })));

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static JwtBearerOptions BearerOptions(Dictionary<string, string?>? settings)
    {
        var (app, _, _) = GatewayHost.Build(settings);
        using (app as IDisposable)
            return app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
    }

    /// <summary>The cache around a counted real handler, with the validation parameters the gateway uses.</summary>
    private static (ValidatedTokenCache Cache, CountingHandler Inner, TokenValidationParameters Parameters) Cache(TokenCacheOptions options, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = TestTokens.SigningKey }).Build();
        using var services = new ServiceCollection().AddLogging().AddLogisticsAuthentication(configuration).BuildServiceProvider();
        var parameters = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters.Clone();
        var inner = new CountingHandler();
        return (new ValidatedTokenCache(inner, clock ?? TimeProvider.System, options), inner, parameters);
    }

    /// <summary>The real handler the gateway uses, counting the validations it does.</summary>
    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _real = new() { MapInboundClaims = false };
        private int _validations;

        public int Validations => _validations;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _validations);
            return _real.ValidateTokenAsync(token, validationParameters);
        }
    }
}
