using System.Diagnostics;
using System.Net;
using Dapr.Client;
using Logistics.LocalStack;
using Logistics.Testing;

namespace Logistics.Sidecar.Tests.Harness;

/// <summary>A local sidecar started as its own process, as the local stack starts it: `dotnet Logistics.LocalSidecar.dll --app-id ...`.</summary>
public sealed class SidecarProcess : IAsyncDisposable
{
    private SidecarProcess(ChildProcess process, string appId, int httpPort, int grpcPort)
    {
        Process = process;
        AppId = appId;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public ChildProcess Process { get; }
    public string AppId { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }
    public HttpClient Http { get; }

    public static SidecarProcess Start(string dll, string appId, int? appPort, string resourcesPath, string logPath,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var httpPort = FreePort.Next();
        var grpcPort = FreePort.Next();
        var args = new List<string>
        {
            dll, "--app-id", appId, "--dapr-http-port", httpPort.ToString(), "--dapr-grpc-port", grpcPort.ToString(),
            "--resources-path", resourcesPath, "--log-level", "debug",
        };
        if (appPort is not null) args.AddRange(["--app-port", appPort.Value.ToString()]);
        var process = ChildProcess.Start($"sidecar-{appId}", "dotnet", args, logPath, environment);
        return new SidecarProcess(process, appId, httpPort, grpcPort);
    }

    /// <summary>The real .NET SDK client, pointed at this sidecar the way DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT point a service at it.</summary>
    public DaprClient CreateDaprClient(string? daprApiToken = null)
    {
        var builder = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{GrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{HttpPort}");
        // The SDK would also take DAPR_API_TOKEN from the environment; the test host has none, so it sends nothing unless told.
        if (daprApiToken is not null) builder.UseDaprApiToken(daprApiToken);
        return builder.Build();
    }

    /// <summary>Waits for GET /v1.0/healthz/outbound = 204 (components up: publishing works).</summary>
    public Task WaitOutboundReadyAsync() => WaitHealthAsync("/v1.0/healthz/outbound");

    /// <summary>Waits for GET /v1.0/healthz = 204 (app discovered, subscriptions running).</summary>
    public Task WaitReadyAsync() => WaitHealthAsync("/v1.0/healthz");

    public async Task<HttpStatusCode> HealthAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return response.StatusCode;
    }

    private async Task WaitHealthAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (clock.Elapsed < SidecarEnvironment.WaitTimeout)
        {
            if (!Process.IsRunning) throw new InvalidOperationException($"sidecar {AppId} exited; log:\n{Process.LogTail()}");
            try
            {
                var status = await HealthAsync(path);
                if (status == HttpStatusCode.NoContent) return;
                last = $"HTTP {(int)status}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"sidecar {AppId}: {path} not 204 after {SidecarEnvironment.WaitTimeout.TotalSeconds} s ({last}); log:\n{Process.LogTail()}");
    }

    /// <summary>kill -9: no shutdown, no acknowledgement, connections cut.</summary>
    public void Kill() => Process.Kill();

    public string Log => Process.ReadLog();

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        Process.Stop(TimeSpan.FromSeconds(10));
        return ValueTask.CompletedTask;
    }
}
