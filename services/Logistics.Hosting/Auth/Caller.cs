using System.Security.Claims;
using Grpc.Core;
using Logistics.SharedKernel;

namespace Logistics.Hosting.Auth;

/// <summary>
/// Who is calling, as the validated token says: the user id ("sub"), the roles ("role") and the spare-part centres the
/// user works for ("centres"). Every service asks it the same question before a centre-bound call: <see cref="CanActFor"/>.
/// </summary>
public sealed record Caller(string UserId, IReadOnlySet<string> Roles, IReadOnlySet<string> Centres)
{
    public Caller(string userId, IReadOnlySet<string> roles) : this(userId, roles, new HashSet<string>(StringComparer.Ordinal)) { }

    public static Caller From(ClaimsPrincipal user)
    {
        var userId = user.FindFirst(LogisticsAuthentication.UserIdClaim)?.Value;
        // Every policy requires "sub", so a missing one means the endpoint was left unprotected: a bug, not a client error.
        if (user.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(userId))
            throw new InvalidOperationException("No authenticated caller: the endpoint must require an authorization policy.");
        var roles = user.FindAll(LogisticsAuthentication.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var centres = user.FindAll(LogisticsAuthentication.CentresClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(userId, roles, centres);
    }

    public static Caller From(ServerCallContext context) => From(context.GetHttpContext().User);

    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>Admins and auditors are not bound to centres: with either role a token acts for every centre.</summary>
    public bool ActsForEveryCentre => IsIn(Auth.Roles.Admin) || IsIn(Auth.Roles.Auditor);

    /// <summary>
    /// Whether the caller may act at <paramref name="centreId"/>: everywhere with a global role, otherwise only at a centre
    /// its token names. A staff token without the claim acts for no centre.
    /// </summary>
    public bool CanActFor(string centreId) => ActsForEveryCentre || Centres.Contains(centreId);

    /// <summary>
    /// Throws PERMISSION_DENIED naming the centre unless <see cref="CanActFor"/>; <paramref name="alsoEverywhere"/> are roles that
    /// reach every centre for this one call (an engineer reads any centre's stock, for instance).
    /// </summary>
    public void RequireCentre(string centreId, params string[] alsoEverywhere)
    {
        if (CanActFor(centreId) || alsoEverywhere.Any(IsIn)) return;
        throw new NotAllowedException(CentreRefusal(centreId));
    }

    /// <summary>The centres a list is limited to: null for every centre, otherwise the token's (possibly none).</summary>
    public IReadOnlyCollection<string>? VisibleCentres(params string[] alsoEverywhere) =>
        ActsForEveryCentre || alsoEverywhere.Any(IsIn) ? null : Centres.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A list filter on centre: the one asked for (refused when the caller cannot act there), or else every centre the
    /// caller may see (null: no limit). A staff token without centres is refused, so an empty list never hides why.
    /// </summary>
    public IReadOnlyCollection<string>? CentresToList(string? requestedCentre, params string[] alsoEverywhere)
    {
        if (!string.IsNullOrEmpty(requestedCentre))
        {
            RequireCentre(requestedCentre, alsoEverywhere);
            return [requestedCentre];
        }
        var visible = VisibleCentres(alsoEverywhere);
        if (visible is { Count: 0 }) throw new NotAllowedException(NoCentres());
        return visible;
    }

    public string CentreRefusal(string centreId) =>
        Centres.Count == 0 ? NoCentres() : $"{StaffTitle()} {UserId} does not work for centre {centreId}";

    private string NoCentres() =>
        $"the token of {StaffTitle()} {UserId} carries no centres; warehouse staff and supervisors act only for the centres their token names";

    private string StaffTitle() =>
        IsIn(Auth.Roles.Warehouse) ? "warehouse user" : IsIn(Auth.Roles.Supervisor) ? "supervisor" : "user";
}
