using Logistics.Hosting;
using Logistics.Requests;
using Logistics.Requests.Api;
using Logistics.Requests.Data;
using Logistics.Requests.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("requests");
builder.Services.AddSingleton(RequestSettings.PolicyFrom(builder.Configuration));
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
app.MapGrpcApi<PartRequestsApi>();
app.MapGrpcApi<WorkingTimeApi>();
app.MapCatalogueEvents();
app.MapStockMovementEvents();
app.MapReservationEvents();
app.MapReceiptEvents();
app.MapReturnEvents();
app.MapDoaEvents();
app.Run();
