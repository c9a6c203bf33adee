using Logistics.Doa.Api;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("doa");
// Doa:Window (a TimeSpan, e.g. "2.00:00:00") overrides the 48 h DOA window.
var window = builder.Configuration.GetValue<TimeSpan?>("Doa:Window");
builder.Services.AddSingleton((window is { } w ? DoaPolicy.Default with { Window = w } : DoaPolicy.Default).Validated());
builder.Services.AddSingleton<DeliveriesTable>();
builder.Services.AddSingleton<RequestTicketsTable>();
builder.Services.AddSingleton<ClaimStore>();
builder.Services.AddSingleton<EvidenceStore>();
builder.Services.AddSingleton<ClaimFacts>();
builder.Services.AddSingleton<ReportFactsTable>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcApi<DoaClaimsApi>();
app.MapDoaEvents();
app.Run();
