using Logistics.Hosting;
using Logistics.Hosting.Data;
using Logistics.Inventory.Api;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");
builder.AddRedis();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PartsTable>();
builder.Services.AddSingleton<CentresTable>();
builder.Services.AddSingleton<StockStore>();
builder.Services.AddSingleton<MovementLedger>();
builder.Services.AddSingleton<MovementRelay>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MovementRelay>());
builder.Services.AddSingleton<StockReconciler>();
builder.Services.AddSingleton<StockRebuilder>();
builder.Services.AddSingleton<CountStore>();
builder.Services.AddSingleton<CountSnapshots>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<InventoryApi>();
app.MapGrpcService<StockCountApi>();
app.MapRequestEvents();
app.MapFulfilmentEvents();
app.Run();
