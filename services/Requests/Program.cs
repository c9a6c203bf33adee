using Logistics.Requests;

var app = RequestsApp.Build(args);
app.Run();
