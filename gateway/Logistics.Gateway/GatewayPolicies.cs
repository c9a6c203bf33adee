using Logistics.Access.V1;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway;

/// <summary>
/// The gateway's authorization policies, from the roles each method's proto names (<see cref="ApiCatalogue"/>): any
/// signed-in user is "authenticated" and one role is that role's policy (both from Logistics.Hosting.Auth); several roles
/// are one "any of" policy named after them ("warehouse or supervisor"). The services check the same roles again, and
/// the finer rules (the requester's own request, not one's own count, ...) themselves.
/// </summary>
public static class GatewayPolicies
{
    /// <summary>The policy of each set of several roles some method allows, by name.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AnyOf = ApiCatalogue.Methods
        .Where(m => m.Roles.Count > 1)
        .Select(m => Ordered(m.Roles))
        .DistinctBy(AnyOfName)
        .ToDictionary(AnyOfName, roles => roles);

    /// <summary>
    /// The web console's route (`/`, lowest priority): anyone may reach its pages, because the console signs people in
    /// itself (a cookie session) and calls the API with their token, where the role policies apply as for any client.
    /// </summary>
    public const string ConsoleVisitors = "console-visitors";

    /// <summary>The policy a method's routes name.</summary>
    public static string For(ApiMethod method) => method.AnySignedIn ? LogisticsAuthentication.AuthenticatedPolicy
        : method.Roles.Count == 1 ? method.Roles[0]
        : AnyOfName(Ordered(method.Roles));

    private static string AnyOfName(IEnumerable<string> roles) => string.Join(" or ", roles);

    /// <summary>In the order of <see cref="Roles.All"/>, so that one set of roles is one policy whatever order a proto lists them in.</summary>
    private static string[] Ordered(IEnumerable<string> roles) => [.. roles.OrderBy(r => Roles.All.ToList().IndexOf(r))];

    public static IServiceCollection AddGatewayPolicies(this IServiceCollection services)
    {
        var authorization = services.AddAuthorizationBuilder();
        authorization.AddPolicy(ConsoleVisitors, policy => policy.RequireAssertion(_ => true));
        foreach (var (name, roles) in AnyOf)
            authorization.AddPolicy(name, LogisticsAuthentication.AnyOf(roles));
        return services;
    }
}
