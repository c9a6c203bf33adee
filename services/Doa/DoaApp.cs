using Logistics.Doa.Api;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Hosting;

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
        // Doa:Window (a TimeSpan, e.g. "2.00:00:00") overrides the 48 h DOA window.
        var window = builder.Configuration.GetValue<TimeSpan?>("Doa:Window");
        builder.Services.AddSingleton((window is { } w ? DoaPolicy.Default with { Window = w } : DoaPolicy.Default).Validated());
        builder.Services.AddSingleton<DeliveriesTable>();
        builder.Services.AddSingleton<RequestTicketsTable>();
        builder.Services.AddSingleton<ClaimStore>();
        builder.Services.AddSingleton<EvidenceStore>();
        builder.Services.AddSingleton<ClaimFacts>();
        builder.Services.AddSingleton<ReportFactsTable>();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<DoaClaimsApi>();
        app.MapDoaEvents();
        return app;
    }
}
