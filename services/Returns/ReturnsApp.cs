using Logistics.Hosting;
using Logistics.Hosting.Settings;
using Logistics.Returns.Api;
using Logistics.Returns.Data;
using Logistics.Returns.Events;
using Logistics.Returns.Jobs;

namespace Logistics.Returns;

/// <summary>The returns service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class ReturnsApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("returns");
        builder.Services.AddReturnGauges();
        builder.AddServiceSettings<ReturnsSettings>();
        builder.Services.AddSingleton<ReturnStore>();
        builder.Services.AddSingleton<ReturnsReportQuery>();
        builder.Services.AddSingleton<OverdueReturnsJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueReturnsJob>());

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<ReturnsApi>();
        app.MapSubscriptions();
        return app;
    }
}
