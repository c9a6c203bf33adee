using System.Security.Cryptography;
using System.Text;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Messaging;

/// <summary>Marks an endpoint only the Dapr sidecar may call (subscription discovery, event delivery).</summary>
public sealed class SidecarOnlyAttribute : Attribute;

/// <summary>
/// Dapr's app API token: daprd started with APP_API_TOKEN sends it as the `dapr-api-token` header on every call to its
/// app. The subscriber endpoints (GET /dapr/subscribe and every endpoint with a Dapr topic) answer 401 and run nothing
/// without the right token, so nobody but the app's own sidecar can deliver an event. The token comes from the
/// APP_API_TOKEN setting, as for any Dapr app. Without one the service refuses to start, except in Development or
/// when `Messaging:AllowUnauthenticatedSubscribers` is true (then anyone who reaches the port can deliver events).
/// </summary>
public sealed class SidecarOnlyOptions
{
    public const string TokenSetting = "APP_API_TOKEN";
    public const string Header = "dapr-api-token";
    public const string OpenSetting = "Messaging:AllowUnauthenticatedSubscribers";

    /// <summary>The expected token as bytes; null when subscribers are open (no token, explicitly allowed).</summary>
    public byte[]? Token { get; init; }

    public static SidecarOnlyOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var token = configuration[TokenSetting];
        if (!string.IsNullOrEmpty(token)) return new SidecarOnlyOptions { Token = Encoding.UTF8.GetBytes(token) };
        if (environment.IsDevelopment() || configuration.GetValue<bool>(OpenSetting)) return new SidecarOnlyOptions();
        throw new InvalidOperationException(
            $"{TokenSetting} is not set: the subscriber endpoints would accept events from anyone who reaches the HTTP port. " +
            $"Give the service and its Dapr sidecar the same {TokenSetting}, or set {OpenSetting}=true (env Messaging__AllowUnauthenticatedSubscribers) to run without it.");
    }
}

public static class SidecarOnly
{
    public static void AddSidecarOnly(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(SidecarOnlyOptions.From(builder.Configuration, builder.Environment));

    /// <summary>Refuses calls to sidecar-only endpoints (marked, or carrying Dapr topic metadata) without the app API token.</summary>
    public static IApplicationBuilder UseSidecarOnly(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SidecarOnlyOptions>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Logistics.SidecarOnly");
        if (options.Token is null)
            log.LogWarning("No {Setting}: the subscriber endpoints accept events from anyone who reaches this port", SidecarOnlyOptions.TokenSetting);
        app.UseRouting(); // the endpoint must be known to tell a subscriber route from the others
        return app.Use((context, next) =>
        {
            var endpoint = context.GetEndpoint();
            var sidecarOnly = endpoint?.Metadata.GetMetadata<SidecarOnlyAttribute>() is not null
                || endpoint?.Metadata.GetMetadata<ITopicMetadata>() is not null;
            if (!sidecarOnly || options.Token is null || Matches(context.Request.Headers[SidecarOnlyOptions.Header], options.Token))
                return next(context);
            log.LogWarning("Refused {Method} {Path} from {Remote}: no valid {Header}", context.Request.Method, context.Request.Path,
                context.Connection.RemoteIpAddress, SidecarOnlyOptions.Header);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues values, byte[] expected)
    {
        if (values.Count != 1 || values[0] is not { } given) return false;
        // Constant time: how long the comparison takes tells nothing about how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }
}
