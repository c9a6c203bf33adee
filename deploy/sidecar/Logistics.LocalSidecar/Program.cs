using System.Net;
using Grpc.AspNetCore.Server.Model;
using Logistics.LocalSidecar;
using Logistics.LocalSidecar.Api;
using Logistics.LocalSidecar.Delivery;
using Logistics.LocalSidecar.Pubsub;
using Logistics.LocalSidecar.Resources;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;

SidecarOptions options;
SidecarResources resources;
try
{
    options = SidecarOptions.Parse(args, warning => Console.Error.WriteLine($"local sidecar: {warning}"));
    resources = SidecarResources.Load(options.ResourcesPath, options.AppId);
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
{
    Console.Error.WriteLine($"local sidecar: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders()
    .SetMinimumLevel(options.LogLevel)
    // Framework chatter below warnings would hide the sidecar's own lines.
    .AddFilter("Microsoft", LogLevel.Warning)
    .AddConsole(o => o.FormatterName = OneLineLogFormatter.Name);
builder.Services.AddSingleton<ConsoleFormatter>(new OneLineLogFormatter(options.AppId));

// Loopback only, like daprd in self-hosted mode: HTTP/1.1 for the HTTP API, HTTP/2 cleartext for gRPC.
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
    kestrel.Listen(IPAddress.Loopback, options.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
});
builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

builder.Services.AddSingleton(options);
builder.Services.AddSingleton(resources);
var pubsubs = await PubsubRegistry.ConnectAsync(resources);
// Through a factory, so that the container disposes it (closing the Redis connections) on shutdown.
builder.Services.AddSingleton(_ => pubsubs);
builder.Services.AddSingleton<SidecarState>();
builder.Services.AddSingleton<Publisher>();
builder.Services.AddSingleton<AppChannel>();
builder.Services.AddHostedService<SidecarRuntime>();

builder.Services.AddGrpc(o => o.Interceptors.Add<GrpcApiTokenInterceptor>());
builder.Services.AddSingleton<DaprGrpcApi>();
builder.Services.AddSingleton<IServiceMethodProvider<DaprGrpcApi>, DaprGrpcMethods>();

var app = builder.Build();
app.UseDaprApiToken(options);
app.MapGrpcService<DaprGrpcApi>().RequireHost($"*:{options.GrpcPort}");
app.MapDaprHttpApi(options.HttpPort);

var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("sidecar");
app.Lifetime.ApplicationStarted.Register(() => log.LogInformation(
    "local sidecar for app {AppId}: HTTP API on 127.0.0.1:{HttpPort}, gRPC API on 127.0.0.1:{GrpcPort}, app {App}, resources {Resources}",
    options.AppId, options.HttpPort, options.GrpcPort, options.AppPort is null ? "(none)" : options.AppBaseAddress, options.ResourcesPath));
app.Lifetime.ApplicationStopped.Register(() => log.LogInformation("local sidecar stopped"));

await app.RunAsync();
return 0;
