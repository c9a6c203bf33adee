using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("receipts");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
