using System.Security.Claims;
using Grpc.Core;

namespace Logistics.Hosting.Auth;

/// <summary>Who is calling, as the validated token says: the user id ("sub") and the roles ("role").</summary>
public sealed record Caller(string UserId, IReadOnlySet<string> Roles)
{
    public static Caller From(ClaimsPrincipal user)
    {
        var userId = user.FindFirst(LogisticsAuthentication.UserIdClaim)?.Value;
        // Every policy requires "sub", so a missing one means the endpoint was left unprotected: a bug, not a client error.
        if (user.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(userId))
            throw new InvalidOperationException("No authenticated caller: the endpoint must require an authorization policy.");
        var roles = user.FindAll(LogisticsAuthentication.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(userId, roles);
    }

    public static Caller From(ServerCallContext context) => From(context.GetHttpContext().User);

    public bool IsIn(string role) => Roles.Contains(role);
}
