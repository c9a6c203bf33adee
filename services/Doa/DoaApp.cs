using Logistics.Doa.Api;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Hosting;
using Logistics.Hosting.Settings;

namespace Logistics.Doa;

/// <summary>The DOA service's composition, shared by Program.cs and the service-level tests (hosted in-process).</summary>
public static class DoaApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("doa");
        builder.AddServiceSettings<DoaSettings>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<DoaSettings>().Policy);
        builder.Services.AddSingleton<DeliveriesTable>();
        builder.Services.AddSingleton<RequestTicketsTable>();
        builder.Services.AddSingleton<ClaimStore>();
        builder.Services.AddSingleton<EvidenceStore>();
        builder.Services.AddSingleton<ReportFactsTable>();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcApi<DoaClaimsApi>();
        app.MapSubscriptions();
        return app;
    }
}
