using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Logistics.LocalSidecar.Api;

/// <summary>
/// daprd's API token (DAPR_API_TOKEN): when set, a call to the sidecar's HTTP or gRPC API without the header
/// `dapr-api-token` holding it is refused: HTTP 401 "invalid api token" (GET /v1.0/healthz and /v1.0/healthz/outbound
/// stay open, as in daprd), gRPC UNAUTHENTICATED. Without DAPR_API_TOKEN the APIs are open, as daprd's are.
/// </summary>
public static class ApiToken
{
    public const string Header = "dapr-api-token";

    public static bool Matches(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>The HTTP API's check, on the HTTP port only (gRPC calls go through <see cref="GrpcApiTokenInterceptor"/>).</summary>
    public static void UseDaprApiToken(this WebApplication app, SidecarOptions options)
    {
        if (options.DaprApiToken is not { } token) return;
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != options.HttpPort || IsHealth(context.Request) || Matches(Single(context.Request.Headers[Header]), token))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("invalid api token\n");
        });
    }

    private static bool IsHealth(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.Trim('/') is "v1.0/healthz" or "v1.0/healthz/outbound";

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}

/// <summary>daprd's gRPC API token check: UNAUTHENTICATED with daprd's messages.</summary>
public sealed class GrpcApiTokenInterceptor(SidecarOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (options.DaprApiToken is { } token)
        {
            var given = context.RequestHeaders.GetValue(ApiToken.Header);
            if (given is null) throw new RpcException(new Status(StatusCode.Unauthenticated, "missing api token in request metadata"));
            if (!ApiToken.Matches(given, token)) throw new RpcException(new Status(StatusCode.Unauthenticated, "authentication error: api token mismatch"));
        }
        return continuation(request, context);
    }
}
