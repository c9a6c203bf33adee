using Microsoft.AspNetCore.HttpOverrides;
using Logistics.Hosting.Health;
using Logistics.Hosting.Messaging;
using Logistics.Hosting.Telemetry;
using Logistics.Web;
using Logistics.Web.Auth;
using Logistics.Web.Components;
using Logistics.Web.Export;
using Logistics.Web.Gateway;
using Logistics.Web.Inbox;
using Logistics.Web.Live;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
var settings = WebSettings.From(builder.Configuration);
builder.Services.AddSingleton(settings);
// The launcher runs the built (not published) app: framework and MudBlazor files come from the build's static web
// assets manifest, which ASP.NET Core reads by itself only in Development.
builder.WebHost.UseStaticWebAssets();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(settings.BindAddress), settings.HttpPort));

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddLocalization();
builder.Services.AddConsoleSignIn(settings);
builder.Services.AddGatewayApi(settings);
builder.Services.AddSingleton<LiveUpdates>();
builder.AddInbox();
builder.Services.AddScoped<UserClock>();
builder.Services.AddEventNotifications(builder.Configuration, "web");
builder.AddSidecarOnly();
builder.AddTelemetry("web");
// Ready only while it can serve: its database (AddInbox), its sidecar (live updates) and the gateway (every page's data).
builder.Services.AddSidecarReadiness();
builder.Services.AddHttpReadiness("gateway", new Uri(settings.GatewayRest, Probes.ReadyPath));

var app = builder.Build();
// The gateway in front (on loopback) says which host and scheme the browser used; redirects and links need them.
app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost });
app.UseRequestLocalization(Cultures.LocalizationOptions());
app.UseEventNotifications();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapProbes();
// Never forwarded by the gateway (its public ports answer 404 for /metrics): only Prometheus reaches it, on the console's own port.
app.MapMetrics();
app.MapSignInEndpoints(settings);
app.MapCultureEndpoint();
app.MapConsoleEvents();
app.MapEvidenceFiles();
app.MapCsvExports();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
