using Logistics.Custody.Api;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Custody.Jobs;
using Logistics.Hosting;
using Logistics.Hosting.Settings;

namespace Logistics.Custody;

/// <summary>The custody service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class CustodyApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("custody");
        builder.AddServiceSettings<CustodySettings>();
        builder.Services.AddSingleton<CustodyLedger>();
        builder.Services.AddSingleton<AnomaliesTable>();
        builder.Services.AddSingleton<CustodyRecorder>();
        builder.Services.AddSingleton<SwapReturnWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SwapReturnWatch>());

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<CustodyApi>();
        app.MapSubscriptions();
        return app;
    }
}
