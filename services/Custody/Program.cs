using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("custody");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
