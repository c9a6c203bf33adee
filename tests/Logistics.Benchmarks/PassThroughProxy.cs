using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Logistics.LocalStack;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Logistics.Benchmarks;

/// <summary>
/// YARP with nothing but the forwarding: one catch-all route to one service's gRPC port over HTTP/2, no token check, no
/// rate limiter, no body limit, no listener matching, no telemetry. The gateway against this splits the proxy's own cost
/// from the cost of the gateway's policies; this against a direct call is what any reverse proxy in the path costs.
/// It runs in a process of its own, started like the gateway (this program with <c>--pass-through</c>, workstation GC):
/// inside the load generator's process it would share that process's threads and skip the second process's scheduling
/// on two busy cores, and so flatter itself against the gateway.
/// </summary>
public sealed class PassThroughProxy : IAsyncDisposable
{
    public const string Argument = "--pass-through";

    private readonly ChildProcess _process;

    private PassThroughProxy(ChildProcess process, int port)
    {
        _process = process;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public GrpcChannel Channel { get; }

    /// <summary>The proxy's process, for its CPU time.</summary>
    public int Pid => _process.Pid;

    /// <summary>Starts the proxy's process and waits until it accepts connections.</summary>
    public static async Task<PassThroughProxy> StartAsync(string destination, string logsDir)
    {
        var port = FreePort.Next();
        var process = RunProcesses.Keep(ChildProcess.Start("pass-through", "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Logistics.Benchmarks.dll"), Argument, destination, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Path.Combine(logsDir, "pass-through.log"), new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }));
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new PassThroughProxy(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < until && process.IsRunning)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                // It runs in its own session: left alone it would outlive the benchmark program.
                RunProcesses.Stop(process);
                throw new InvalidOperationException($"the pass-through proxy to {destination} did not listen on port {port}: {e.Message}; its log: {process.LogPath}", e);
            }
        }
    }

    /// <summary>The proxy's own process (<c>Logistics.Benchmarks --pass-through destination port</c>): runs until stopped.</summary>
    public static async Task RunAsync(string destination, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "service", Match = new RouteMatch { Path = "{**path}" } }],
            [new ClusterConfig
            {
                ClusterId = "service",
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
                Destinations = new Dictionary<string, DestinationConfig> { ["main"] = new() { Address = destination } },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.RunAsync();
    }

    public ValueTask DisposeAsync()
    {
        Channel.Dispose();
        RunProcesses.Stop(_process);
        return ValueTask.CompletedTask;
    }
}
