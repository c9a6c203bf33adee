using Logistics.Hosting.Telemetry;

namespace Logistics.Gateway;

/// <summary>
/// The web console has the lowest-priority route, `/{**catch-all}` on the REST port. These endpoints keep the API's
/// space out of it: a path under /api/ or a gRPC method path that no route knows is the gateway's own 404, so it never
/// reaches the console (and an API client never gets a web page).
/// </summary>
public static class ConsoleRoute
{
    public static void MapApiNotFound(this WebApplication app)
    {
        // Less specific than every API route (fewer literal segments), so those win; more specific than the catch-all.
        app.Map("/api/{**rest}", () => Results.NotFound()).AllowAnonymous();
        // A scrape endpoint answers without a token: the console's (or anyone's) must not be reachable from outside.
        // The gateway's own metrics are on its metrics port (an endpoint pinned to that listener, more specific than this).
        app.Map(TelemetryHosting.ScrapePath + "/{**rest}", () => Results.NotFound()).AllowAnonymous();
        // gRPC paths are /package.Service/Method: a first segment with a dot.
        app.Map("/{service:regex(^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+$)}/{method}", () => Results.NotFound()).AllowAnonymous();
    }
}
