using System.Security.Claims;
using Logistics.Hosting.Auth;
using Logistics.SharedKernel;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Logistics.Hosting.Tests;

/// <summary>The centres a token names, read back as the services read them, and the one rule every service applies.</summary>
public sealed class CallerTests
{
    private static readonly AuthOptions Options = new() { SigningKey = new string('k', 40) };

    /// <summary>A token from the dev issuer, validated and turned into a caller the way the services do it.</summary>
    private static async Task<Caller> CallerOf(string userId, string[] roles, string[]? centres)
    {
        var token = new DevTokenIssuer(Options).Issue(userId, roles, centres);
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = Options.Issuer, ValidAudience = Options.Audience, IssuerSigningKey = Options.CreateSigningKey(),
            NameClaimType = LogisticsAuthentication.UserIdClaim, RoleClaimType = LogisticsAuthentication.RoleClaim,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return Caller.From(new ClaimsPrincipal(result.ClaimsIdentity));
    }

    [Fact]
    public async Task One_centre_and_several_centres_read_back_the_same_way()
    {
        Assert.Equal(["SZ-01"], (await CallerOf("w1", ["warehouse"], ["SZ-01"])).Centres);
        Assert.Equal(["SZ-01", "SZ-02"], (await CallerOf("w1", ["warehouse"], ["SZ-01", "SZ-02", "SZ-01"])).Centres.Order());
        Assert.Empty((await CallerOf("w1", ["warehouse"], null)).Centres);
    }

    [Fact]
    public async Task Staff_act_only_for_their_centres_and_the_refusal_names_the_centre()
    {
        var w1 = await CallerOf("w1", ["warehouse"], ["SZ-01"]);
        Assert.True(w1.CanActFor("SZ-01"));
        Assert.False(w1.CanActFor("SZ-02"));
        w1.RequireCentre("SZ-01");
        Assert.Equal("warehouse user w1 does not work for centre SZ-02", Assert.Throws<NotAllowedException>(() => w1.RequireCentre("SZ-02")).Message);
        var sup = await CallerOf("sup1", ["supervisor"], ["SZ-01"]);
        Assert.Equal("supervisor sup1 does not work for centre SZ-02", Assert.Throws<NotAllowedException>(() => sup.RequireCentre("SZ-02")).Message);
        // A role that reaches every centre for this one call.
        var engineer = await CallerOf("e1", ["engineer"], null);
        engineer.RequireCentre("SZ-02", Roles.Engineer);
    }

    [Fact]
    public async Task A_staff_token_without_centres_acts_for_no_centre()
    {
        var w1 = await CallerOf("w1", ["warehouse"], null);
        Assert.False(w1.CanActFor("SZ-01"));
        Assert.Contains("carries no centres", Assert.Throws<NotAllowedException>(() => w1.RequireCentre("SZ-01")).Message);
        Assert.Contains("carries no centres", Assert.Throws<NotAllowedException>(() => w1.CentresToList(null)).Message);
    }

    [Fact]
    public async Task Auditors_and_admins_act_for_every_centre()
    {
        foreach (var role in new[] { "auditor", "admin" })
        {
            var caller = await CallerOf("a1", [role, "warehouse"], null);
            Assert.True(caller.CanActFor("ANY-1"));
            Assert.Null(caller.CentresToList(null));
            Assert.Equal(["ANY-1"], caller.CentresToList("ANY-1")!);
        }
    }

    [Fact]
    public async Task A_list_is_limited_to_the_staff_members_centres()
    {
        var w1 = await CallerOf("w1", ["warehouse"], ["SZ-02", "SZ-01"]);
        Assert.Equal(["SZ-01", "SZ-02"], w1.CentresToList(null)!);
        Assert.Equal(["SZ-02"], w1.CentresToList("SZ-02")!);
        Assert.Contains("does not work for centre SZ-03", Assert.Throws<NotAllowedException>(() => w1.CentresToList("SZ-03")).Message);
    }

    [Theory]
    [InlineData(new[] { "" }, "is not a centre id")]
    [InlineData(new[] { "SZ 01" }, "is not a centre id")]
    [InlineData(new[] { "SZ-01\u0000" }, "\\u0000")]
    [InlineData(new[] { "-SZ" }, "is not a centre id")]
    [InlineData(new[] { "SZ-0123456789012345678901234567890123456789" }, "is not a centre id")]
    public void Bad_centre_ids_cannot_go_into_a_token(string[] centres, string message)
    {
        var problem = DevTokenIssuer.FindProblem("w1", ["warehouse"], centres);
        Assert.NotNull(problem);
        Assert.Contains(message, problem);
        Assert.Throws<ArgumentException>(() => new DevTokenIssuer(Options).Issue("w1", ["warehouse"], centres));
    }

    [Fact]
    public void At_most_a_hundred_centres_go_into_a_token()
    {
        var many = Enumerable.Range(0, DevTokenIssuer.MaxCentres + 1).Select(i => $"C-{i}").ToArray();
        Assert.Contains("at most 100 centres", DevTokenIssuer.FindProblem("w1", ["warehouse"], many));
        Assert.Null(DevTokenIssuer.FindProblem("w1", ["warehouse"], many[..DevTokenIssuer.MaxCentres]));
    }
}
