using System.Collections.Concurrent;
using System.Net;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Logistics.Gateway.Tests.Support;

/// <summary>A gRPC service stand-in: h2c on loopback with the standard grpc.health.v1.Health service (and nothing else).</summary>
public sealed class GrpcHealthBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcHealthBackend(WebApplication app, int port)
    {
        _app = app;
        Address = $"http://127.0.0.1:{port}";
    }

    public string Address { get; }

    /// <summary>The authorization header of every call that arrived, in order.</summary>
    public ConcurrentQueue<string> ReceivedAuthorization { get; } = new();

    public static async Task<GrpcHealthBackend> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        // Without a registered check the health service answers UNKNOWN; this one makes it SERVING.
        builder.Services.AddHealthChecks().AddCheck("up", () => HealthCheckResult.Healthy());
        var app = builder.Build();
        var backend = new GrpcHealthBackend(app, port);
        app.Use((context, next) =>
        {
            backend.ReceivedAuthorization.Enqueue(context.Request.Headers.Authorization.ToString());
            return next(context);
        });
        app.MapGrpcHealthChecksService();
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
