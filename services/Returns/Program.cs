using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("returns");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
