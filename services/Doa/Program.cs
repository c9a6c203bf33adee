using Logistics.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("doa");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
