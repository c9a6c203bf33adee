using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Logistics.Web.Auth;

/// <summary>
/// The cookie session. The gateway's token is kept as a claim of the session: the cookie is encrypted with the app's
/// data protection keys, and the token is only ever read on the server, where the circuit calls the gateway with it.
/// </summary>
public static class SignIn
{
    public const string TokenClaim = "gateway_token";
    public const string CentreClaim = "centre";
    public const string RoleClaim = "role";
    public const string UserClaim = "sub";

    public static IServiceCollection AddConsoleSignIn(this IServiceCollection services, WebSettings settings)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "logistics.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/sign-in";
                o.AccessDeniedPath = "/not-allowed"; // a signed-in person on another role's page: said, not a 404
                o.ExpireTimeSpan = TimeSpan.FromHours(8); // as long as a dev token
                o.SlidingExpiration = false;
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddHttpClient("gateway-rest", c => c.BaseAddress = settings.GatewayRest);
        return services;
    }

    public static void MapSignInEndpoints(this WebApplication app, WebSettings settings)
    {
        if (settings.DevSignIn)
            app.MapGet("/dev/sign-in", DevSignInAsync).AllowAnonymous();
        // A full load of "/" (a bookmark) is sent to the role's own page in the server's answer, before the browser
        // starts a circuit only to be sent on by the home page. Ordered before the home page's component route.
        app.MapGet("/", (HttpContext http) =>
                Session.From(http.User) is { } session ? Results.LocalRedirect(session.LandingPage) : Results.Challenge())
            .WithOrder(-1);
        app.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/sign-in");
        }).AllowAnonymous();
    }

    /// <summary>GET /dev/sign-in?user=ID&amp;roles=ROLE[,ROLE]&amp;centres=C1[,C2]: a dev token from the gateway, kept in the session.</summary>
    private static async Task<IResult> DevSignInAsync(HttpContext http, IHttpClientFactory clients, string? user, string? roles, string? centres)
    {
        var roleList = Split(roles);
        var centreList = Split(centres);
        if (string.IsNullOrWhiteSpace(user) || roleList.Length == 0)
            return Results.BadRequest("user and roles are required: /dev/sign-in?user=ID&roles=ROLE[,ROLE]&centres=C1[,C2]");

        using var response = await clients.CreateClient("gateway-rest").PostAsJsonAsync("/dev/token",
            new { userId = user, roles = roleList, centres = centreList }, http.RequestAborted);
        if (!response.IsSuccessStatusCode)
            return Results.Problem(await response.Content.ReadAsStringAsync(http.RequestAborted), statusCode: (int)response.StatusCode,
                title: "The gateway refused the dev token");
        var token = (await response.Content.ReadFromJsonAsync<TokenAnswer>(http.RequestAborted))!.Token;

        var claims = new List<Claim> { new(UserClaim, user), new(ClaimTypes.Name, user), new(TokenClaim, token) };
        claims.AddRange(roleList.Select(r => new Claim(RoleClaim, r)));
        claims.AddRange(centreList.Select(c => new Claim(CentreClaim, c)));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, RoleClaim);
        var principal = new ClaimsPrincipal(identity);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return Results.LocalRedirect(Session.From(principal)!.LandingPage);
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed record TokenAnswer(string Token);
}
