using Logistics.Inventory;

var app = InventoryApp.Build(args);
app.Run();
