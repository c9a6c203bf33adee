namespace Logistics.Hosting;

public static class HealthTags
{
    /// <summary>Checks of dependencies: /readyz and gRPC health answer unhealthy while one fails; /healthz (live) ignores them.</summary>
    public const string Ready = "ready";
}
