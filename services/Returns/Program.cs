using Logistics.Hosting;
using Logistics.Returns.Api;
using Logistics.Returns.Data;
using Logistics.Returns.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("returns");
builder.Services.AddReturnGauges();
builder.Services.AddSingleton(ReturnsSettings.From(builder.Configuration));
builder.Services.AddSingleton<ReturnStore>();
builder.Services.AddSingleton<ReturnsReportQuery>();
builder.Services.AddSingleton<ReturnSubscriber>();
builder.Services.AddSingleton<OverdueReturnsJob>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueReturnsJob>());

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcApi<ReturnsApi>();
app.MapReturnEvents();
app.Run();
