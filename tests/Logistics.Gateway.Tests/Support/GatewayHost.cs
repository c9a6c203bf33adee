using System.Net;
using System.Net.Http.Headers;
using Grpc.Net.Client;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;

namespace Logistics.Gateway.Tests.Support;

/// <summary>The real gateway (GatewayApp.Build, the shipped appsettings.json) on two free loopback ports.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, int httpPort, int grpcPort)
    {
        _app = app;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        // The gateway runs in this process with telemetry on, so this client's own HTTP activity would replace the
        // traceparent a test sets; a client of a real gateway is another process. Send headers as given.
        Http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        // Prior-knowledge HTTP/2 to the gRPC port, for plain (non-gRPC) requests there.
        GrpcPortHttp = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{grpcPort}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        Grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }

    /// <summary>HTTP/1.1 to the REST port.</summary>
    public HttpClient Http { get; }

    /// <summary>HTTP/2 cleartext to the gRPC port.</summary>
    public HttpClient GrpcPortHttp { get; }

    public GrpcChannel Grpc { get; }

    /// <summary>The configuration the tests always give: free ports, the test key, quiet logs.</summary>
    public static Dictionary<string, string?> BaseSettings(int httpPort, int grpcPort) => new()
    {
        ["Gateway:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Gateway:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth:SigningKey"] = TestTokens.SigningKey,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Yarp"] = "Warning",
    };

    /// <summary>Builds the gateway with <paramref name="settings"/> on top of <see cref="BaseSettings"/> (not started).</summary>
    public static (WebApplication App, int HttpPort, int GrpcPort) Build(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var httpPort = FreePort.Next();
        var grpcPort = FreePort.Next();
        while (grpcPort == httpPort) grpcPort = FreePort.Next();
        var all = BaseSettings(httpPort, grpcPort);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        return (GatewayApp.Build([], all), httpPort, grpcPort);
    }

    public static async Task<GatewayHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (app, httpPort, grpcPort) = Build(settings);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new GatewayHost(app, httpPort, grpcPort);
    }

    /// <summary>A request with a bearer token; <paramref name="http2"/> for the gRPC port, which speaks only HTTP/2.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null, HttpContent? content = null, bool http2 = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (http2)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Grpc.Dispose();
        Http.Dispose();
        GrpcPortHttp.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
