using Logistics.Hosting;
using Logistics.Receipts.Api;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Receipts.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("receipts");
builder.Services.AddSingleton(ReceiptPolicy.Default with
{
    ProblemReportWindow = builder.Configuration.GetValue("Receipts:ProblemReportWindow", ReceiptPolicy.Default.ProblemReportWindow),
    MaxNoteLength = builder.Configuration.GetValue("Receipts:MaxNoteLength", ReceiptPolicy.Default.MaxNoteLength),
});
builder.Services.AddSingleton<ShipmentsTable>();
builder.Services.AddSingleton<ReceiptsTable>();
builder.Services.AddSingleton<ReceiptBook>();
builder.Services.AddSingleton(TransitPolicy.Default with
{
    GracePeriod = builder.Configuration.GetValue("Receipts:TransitGracePeriod", TransitPolicy.Default.GracePeriod),
    ScanInterval = builder.Configuration.GetValue("Receipts:TransitScanInterval", TransitPolicy.Default.ScanInterval),
});
builder.Services.AddSingleton<TransitInvestigationsTable>();
builder.Services.AddSingleton<TransitBook>();
builder.Services.AddHostedService<TransitWatch>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcApi<ReceiptsApi>();
app.MapShipmentEvents();
app.Run();
