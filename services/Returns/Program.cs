using Logistics.Returns;

var app = ReturnsApp.Build(args);
app.Run();
