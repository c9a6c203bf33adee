using Logistics.Custody;

var app = CustodyApp.Build(args);
app.Run();
