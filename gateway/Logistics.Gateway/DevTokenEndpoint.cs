using Logistics.Hosting.Auth;

namespace Logistics.Gateway;

public sealed record DevTokenRequest(string? UserId, string[]? Roles);

public sealed record DevTokenResponse(string Token);

/// <summary>POST /dev/token: a signed token for any user and roles, for the local stack only (Auth:DevTokens:Enabled).</summary>
public static class DevTokenEndpoint
{
    public const string Path = "/dev/token";

    public static void MapDevToken(this WebApplication app)
    {
        app.MapPost(Path, (DevTokenRequest request, DevTokenIssuer issuer) =>
            DevTokenIssuer.FindProblem(request.UserId, request.Roles) is { } problem
                ? Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid dev token request")
                : Results.Ok(new DevTokenResponse(issuer.Issue(request.UserId!, request.Roles!))))
            .AllowAnonymous()
            .WithMetadata(new ListenerMetadata(Listeners.Http));
    }
}
