using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Requests.Api;
using Logistics.Requests.Data;
using Logistics.Requests.Events;

namespace Logistics.Requests;

/// <summary>The requests service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class RequestsApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("requests");
        builder.AddServiceSettings<RequestSettings>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<RequestSettings>().Policy);
        builder.Services.AddSingleton<RequestablePartsTable>();
        builder.Services.AddSingleton<KnownCentresTable>();
        builder.Services.AddSingleton<PartRequestStore>();
        builder.Services.AddSingleton<ShelfSerialsTable>();
        builder.Services.AddSingleton<FaultyPartReturnsTable>();
        builder.Services.AddSingleton<WorkingTimeStore>();
        builder.Services.AddSingleton<ServiceLevelReportQuery>();
        builder.Services.AddRequestGauges();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<PartRequestsApi>();
        app.MapGrpcApi<WorkingTimeApi>();
        app.MapSubscriptions();
        return app;
    }
}
