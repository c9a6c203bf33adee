using System.Security.Claims;

namespace Logistics.Web.Auth;

/// <summary>The signed-in user as the console needs them: id, roles, centres, and the token for the gateway.</summary>
public sealed record Session(string UserId, IReadOnlySet<string> Roles, IReadOnlyList<string> Centres, string Token)
{
    public static Session? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var id = user.FindFirst(SignIn.UserClaim)?.Value;
        var token = user.FindFirst(SignIn.TokenClaim)?.Value;
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(token)) return null;
        return new Session(id,
            user.FindAll(SignIn.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindAll(SignIn.CentreClaim).Select(c => c.Value).ToList(),
            token);
    }

    public bool Is(string role) => Roles.Contains(role);

    /// <summary>Each role's first page; someone with none of them gets the inbox, which every signed-in user may open.</summary>
    public string LandingPage =>
        Is("engineer") ? "/requests"
        : Is("warehouse") ? "/warehouse"
        : Is("supervisor") ? "/approvals"
        : Is("delivery-manager") ? "/doa-claims"
        : Is("auditor") ? "/anomalies"
        : Is("admin") ? "/admin/dead-letters"
        : "/inbox";
}
