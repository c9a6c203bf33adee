using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Requests;
using Logistics.Requests.Api;
using Logistics.Requests.Data;
using Logistics.Requests.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("requests");
builder.AddServiceSettings<RequestSettings>();
builder.Services.AddSingleton(sp => sp.GetRequiredService<RequestSettings>().Policy);
builder.Services.AddSingleton<RequestablePartsTable>();
builder.Services.AddSingleton<KnownCentresTable>();
builder.Services.AddSingleton<PartRequestStore>();
builder.Services.AddSingleton<ShelfSerialsTable>();
builder.Services.AddSingleton<FaultyPartReturnsTable>();
builder.Services.AddSingleton<WorkingTimeStore>();
builder.Services.AddSingleton<ServiceLevelReportQuery>();
builder.Services.AddRequestGauges();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<PartRequestsApi>();
app.MapGrpcService<WorkingTimeApi>();
app.MapSubscriptions();
app.Run();
