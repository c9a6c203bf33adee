using Logistics.Hosting;
using Logistics.Requests.Api;
using Logistics.Requests.Data;
using Logistics.Requests.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("requests");
builder.Services.AddSingleton<RequestablePartsTable>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<PartRequestsApi>();
app.MapCatalogueEvents();
app.Run();
