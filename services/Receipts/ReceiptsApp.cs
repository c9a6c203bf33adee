using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Receipts.Api;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Receipts.Jobs;

namespace Logistics.Receipts;

/// <summary>The receipts service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class ReceiptsApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("receipts");
        builder.AddServiceSettings<ReceiptsSettings>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ReceiptsSettings>().Policy);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ReceiptsSettings>().Transit);
        builder.Services.AddSingleton<ShipmentsTable>();
        builder.Services.AddSingleton<ReceiptsTable>();
        builder.Services.AddSingleton<ReceiptBook>();
        builder.Services.AddSingleton<TransitInvestigationsTable>();
        builder.Services.AddSingleton<TransitWatchTable>();
        builder.Services.AddSingleton<TransitBook>();
        builder.Services.AddHostedService<TransitWatch>();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<ReceiptsApi>();
        app.MapSubscriptions();
        return app;
    }
}
