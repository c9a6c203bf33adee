using Logistics.Custody.Api;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("custody");
builder.Services.AddSingleton(builder.Configuration.GetSection("Custody").Get<CustodyPolicy>() ?? new CustodyPolicy());
builder.Services.AddSingleton<CustodyLedger>();
builder.Services.AddSingleton<AnomaliesTable>();
builder.Services.AddSingleton<CustodyRecorder>();
builder.Services.AddSingleton<SwapReturnWatch>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SwapReturnWatch>());

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcApi<CustodyApi>();
app.MapCustodyEvents();
app.Run();
