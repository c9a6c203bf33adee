using Logistics.Gateway;

var app = GatewayApp.Build(args);
app.Run();
