namespace Logistics.Hosting.Auth;

/// <summary>The roles a token can carry in its "role" claim. Each is also the name of an authorization policy.</summary>
public static class Roles
{
    public const string Engineer = "engineer";
    public const string Warehouse = "warehouse";
    public const string Supervisor = "supervisor";
    public const string DeliveryManager = "delivery-manager";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Engineer, Warehouse, Supervisor, DeliveryManager, Auditor, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
