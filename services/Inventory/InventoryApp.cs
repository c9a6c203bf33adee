using Logistics.Hosting;
using Logistics.Hosting.Data;
using Logistics.Hosting.Settings;
using Logistics.Inventory.Api;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Events;
using Logistics.Inventory.Jobs;

namespace Logistics.Inventory;

/// <summary>The inventory service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class InventoryApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("inventory");
        builder.AddServiceSettings<InventorySettings>();
        builder.Services.AddInventoryGauges();
        builder.AddRedis();
        builder.Services.AddSingleton<PartsTable>();
        builder.Services.AddSingleton<CentresTable>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<CatalogueCache>();
        builder.Services.AddSingleton<StockStore>();
        builder.Services.AddSingleton<StockReportQuery>();
        builder.Services.AddSingleton<MovementLedger>();
        builder.Services.AddSingleton<SerialClaims>();
        builder.Services.AddSingleton<MovementDrain>();
        builder.Services.AddHostedService<MovementRelay>();
        builder.Services.AddSingleton<StockReconciler>();
        builder.Services.AddSingleton<StockRebuilder>();
        builder.Services.AddSingleton<DispositionStore>();
        builder.Services.AddSingleton<TransferStore>();
        builder.Services.AddSingleton<CountStore>();
        builder.Services.AddSingleton<CountSnapshots>();
        builder.Services.AddSingleton<CountLists>();
        builder.Services.AddSingleton<CountAdjustmentPoster>();
        builder.Services.AddHostedService<CountPostingResume>();
        builder.Services.AddSingleton<ReplenishmentStore>();
        builder.Services.AddSingleton<Replenisher>();
        builder.Services.AddHostedService<DailyReplenishmentJob>();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<InventoryApi>();
        app.MapGrpcApi<StockCountApi>();
        app.MapGrpcApi<DispositionApi>();
        app.MapGrpcApi<TransferApi>();
        app.MapGrpcApi<ReplenishmentApi>();
        app.MapSubscriptions();
        return app;
    }
}
