using Logistics.Doa;
using Logistics.Doa.Api;
using Logistics.Doa.Data;
using Logistics.Doa.Events;
using Logistics.Hosting;
using Logistics.Hosting.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("doa");
builder.AddServiceSettings<DoaSettings>();
builder.Services.AddSingleton(sp => sp.GetRequiredService<DoaSettings>().Policy);
builder.Services.AddSingleton<DeliveriesTable>();
builder.Services.AddSingleton<RequestTicketsTable>();
builder.Services.AddSingleton<ClaimStore>();
builder.Services.AddSingleton<EvidenceStore>();
builder.Services.AddSingleton<ReportFactsTable>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<DoaClaimsApi>();
app.MapSubscriptions();
app.Run();
