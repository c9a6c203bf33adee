using System.Security.Claims;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Logistics.Gateway.Tests;

/// <summary>Logistics.Hosting.Auth on its own: what the services get from AddLogisticsAuthentication.</summary>
public sealed class AuthTests
{
    [Fact]
    public async Task A_dev_token_validates_with_the_shared_settings_and_reads_back_as_the_caller()
    {
        using var services = Services(new() { ["Auth:SigningKey"] = TestTokens.SigningKey });
        var token = services.GetRequiredService<DevTokenIssuer>().Issue("e1", [Roles.Engineer, Roles.Warehouse]);

        var caller = Caller.From(await Validate(services, token));

        Assert.Equal("e1", caller.UserId);
        Assert.True(caller.IsIn(Roles.Engineer));
        Assert.True(caller.IsIn(Roles.Warehouse));
        Assert.False(caller.IsIn(Roles.Admin));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_rejected()
    {
        using var services = Services(new() { ["Auth:SigningKey"] = TestTokens.SigningKey });
        var other = new DevTokenIssuer(new AuthOptions { SigningKey = TestTokens.SigningKey, Audience = "someone-else" });

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(other.Issue("e1", [Roles.Engineer]), Parameters(services));

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Caller_refuses_an_anonymous_principal()
    {
        Assert.Throws<InvalidOperationException>(() => Caller.From(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void Dev_tokens_cannot_be_enabled_beside_an_authority()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new()
        {
            ["Auth:Authority"] = "https://login.example.test/realm",
            ["Auth:DevTokens:Enabled"] = "true",
        }));
        Assert.Contains("Auth:DevTokens:Enabled needs Auth:SigningKey", error.Message);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddLogisticsAuthentication(configuration).BuildServiceProvider();
    }

    private static Microsoft.IdentityModel.Tokens.TokenValidationParameters Parameters(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;

    private static async Task<ClaimsPrincipal> Validate(IServiceProvider services, string token)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(services));
        Assert.True(result.IsValid, result.Exception?.Message);
        return new ClaimsPrincipal(result.ClaimsIdentity);
    }
}
