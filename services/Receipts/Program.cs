using Logistics.Receipts;

var app = ReceiptsApp.Build(args);
app.Run();
