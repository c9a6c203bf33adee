using Logistics.Hosting;
using Logistics.Inventory.Api;
using Logistics.Inventory.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PartsTable>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<InventoryApi>();
app.Run();
