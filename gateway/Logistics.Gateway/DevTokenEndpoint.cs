using Logistics.Hosting.Auth;

namespace Logistics.Gateway;

/// <summary>Centres: optional, the spare-part centres a warehouse user or supervisor works for.</summary>
public sealed record DevTokenRequest(string? UserId, string[]? Roles, string?[]? Centres = null);

public sealed record DevTokenResponse(string Token);

/// <summary>POST /dev/token: a signed token for any user and roles, for the local stack only (Auth:DevTokens:Enabled).</summary>
public static class DevTokenEndpoint
{
    public const string Path = "/dev/token";

    public static void MapDevToken(this WebApplication app)
    {
        app.MapPost(Path, (DevTokenRequest request, DevTokenIssuer issuer) =>
            DevTokenIssuer.FindProblem(request.UserId, request.Roles, request.Centres) is { } problem
                ? Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid dev token request")
                : Results.Ok(new DevTokenResponse(issuer.Issue(request.UserId!, request.Roles!, request.Centres?.OfType<string>().ToList()))))
            .AllowAnonymous()
            .WithMetadata(new ListenerMetadata(Listeners.Http));
    }
}
