using Logistics.Custody;
using Logistics.Custody.Api;
using Logistics.Custody.Data;
using Logistics.Custody.Events;
using Logistics.Custody.Jobs;
using Logistics.Hosting;
using Logistics.Hosting.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("custody");
builder.AddServiceSettings<CustodySettings>();
builder.Services.AddSingleton<CustodyLedger>();
builder.Services.AddSingleton<AnomaliesTable>();
builder.Services.AddSingleton<CustodyRecorder>();
builder.Services.AddSingleton<SwapReturnWatch>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SwapReturnWatch>());

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<CustodyApi>();
app.MapSubscriptions();
app.Run();
