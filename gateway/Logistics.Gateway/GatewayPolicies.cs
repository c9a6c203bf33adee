using Logistics.Hosting.Auth;

namespace Logistics.Gateway;

/// <summary>
/// Policies for paths that several roles may call (docs/authorization.md). A route names one policy, so "warehouse or
/// supervisor" needs a name of its own; each is named after what its holders do. Single-role paths use the role
/// policies ("admin", "warehouse", ...) and "any" is "authenticated", both from Logistics.Hosting.Auth. The services
/// check the finer rules again (the requester's own request, not one's own count, ...).
/// </summary>
public static class GatewayPolicies
{
    public static readonly IReadOnlyDictionary<string, string[]> AnyOf = new Dictionary<string, string[]>
    {
        // inventory
        ["stock-reservers"] = [Roles.Warehouse, Roles.Supervisor],
        ["movement-readers"] = [Roles.Warehouse, Roles.Auditor],
        ["reconcilers"] = [Roles.Admin, Roles.Auditor],
        ["count-readers"] = [Roles.Warehouse, Roles.Supervisor],
        ["count-cancellers"] = [Roles.Warehouse, Roles.Supervisor],
        ["disposition-readers"] = [Roles.Warehouse, Roles.Supervisor, Roles.Auditor, Roles.Admin],
        ["transfer-requesters"] = [Roles.Warehouse, Roles.Supervisor], // of the receiving centre; cancel: of either centre (inventory checks)
        ["transfer-readers"] = [Roles.Warehouse, Roles.Supervisor, Roles.Auditor, Roles.Admin],
        ["replenishment-planners"] = [Roles.Warehouse, Roles.Supervisor], // min/max, proposals, expected goods-in of their centres
        // requests
        ["part-request-readers"] = [Roles.Engineer, Roles.Warehouse, Roles.Supervisor, Roles.DeliveryManager], // a delivery manager: only requests a DOA claim concerns (requests checks)
        ["part-request-cancellers"] = [Roles.Engineer, Roles.Supervisor],
        // receipts
        ["receipt-signers"] = [Roles.Engineer, Roles.Warehouse],
        ["receipt-correctors"] = [Roles.Engineer, Roles.Warehouse, Roles.Supervisor],
        ["transit-investigation-readers"] = [Roles.DeliveryManager, Roles.Supervisor, Roles.Warehouse, Roles.Auditor, Roles.Admin], // staff: their centres (receipts checks)
        ["transit-loss-proposers"] = [Roles.DeliveryManager, Roles.Warehouse],
        // returns
        ["return-readers"] = [Roles.Engineer, Roles.Warehouse, Roles.Supervisor, Roles.DeliveryManager], // a delivery manager: only dead units' returns (returns checks)
        // doa
        ["doa-claim-filers"] = [Roles.DeliveryManager, Roles.Engineer],
        ["doa-claim-readers"] = [Roles.DeliveryManager, Roles.Supervisor, Roles.Engineer], // an engineer: only claims they filed or for units delivered to them (doa checks)
        ["doa-report-readers"] = [Roles.DeliveryManager, Roles.Supervisor], // a supervisor: only their centres (doa checks)
        // custody
        ["custody-anomaly-readers"] = [Roles.Auditor, Roles.Supervisor],
        // reports (service levels, returns, stock): a supervisor sees only their centres (the services check)
        ["ops-report-readers"] = [Roles.DeliveryManager, Roles.Supervisor],
    };

    /// <summary>
    /// The web console's route (`/`, lowest priority): anyone may reach its pages, because the console signs people in
    /// itself (a cookie session) and calls the API with their token, where the role policies apply as for any client.
    /// </summary>
    public const string ConsoleVisitors = "console-visitors";

    public static IServiceCollection AddGatewayPolicies(this IServiceCollection services)
    {
        var authorization = services.AddAuthorizationBuilder();
        authorization.AddPolicy(ConsoleVisitors, policy => policy.RequireAssertion(_ => true));
        foreach (var (name, roles) in AnyOf)
            authorization.AddPolicy(name, LogisticsAuthentication.AnyOf(roles));
        return services;
    }
}
