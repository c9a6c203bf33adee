using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Receipts;
using Logistics.Receipts.Api;
using Logistics.Receipts.Data;
using Logistics.Receipts.Events;
using Logistics.Receipts.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("receipts");
builder.AddServiceSettings<ReceiptsSettings>();
builder.Services.AddSingleton(sp => sp.GetRequiredService<ReceiptsSettings>().Policy);
builder.Services.AddSingleton(sp => sp.GetRequiredService<ReceiptsSettings>().Transit);
builder.Services.AddSingleton<ShipmentsTable>();
builder.Services.AddSingleton<ReceiptsTable>();
builder.Services.AddSingleton<ReceiptBook>();
builder.Services.AddSingleton<TransitInvestigationsTable>();
builder.Services.AddSingleton<TransitBook>();
builder.Services.AddHostedService<TransitWatch>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<ReceiptsApi>();
app.MapSubscriptions();
app.Run();
