using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Returns;
using Logistics.Returns.Api;
using Logistics.Returns.Data;
using Logistics.Returns.Events;
using Logistics.Returns.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("returns");
builder.Services.AddReturnGauges();
builder.AddServiceSettings<ReturnsSettings>();
builder.Services.AddSingleton<ReturnStore>();
builder.Services.AddSingleton<ReturnsReportQuery>();
builder.Services.AddSingleton<OverdueReturnsJob>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueReturnsJob>());

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<ReturnsApi>();
app.MapSubscriptions();
app.Run();
