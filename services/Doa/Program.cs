using Logistics.Doa;

var app = DoaApp.Build(args);
app.Run();
