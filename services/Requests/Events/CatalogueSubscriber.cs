using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>Keeps this service's copy of the parts catalogue and the centres from inventory's PartCatalogued and CentreDefined events.</summary>
public static class CatalogueSubscriber
{
    public static void MapCatalogueEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<CentreDefined>(EventTopics.CentreDefined, OnCentreDefinedAsync);
        app.MapIntegrationEvent<PartCatalogued>(EventTopics.PartCatalogued, OnPartCataloguedAsync);
    }

    public static Task OnCentreDefinedAsync(CentreDefined e, InboxContext inbox, CancellationToken ct) =>
        inbox.Services.GetRequiredService<KnownCentresTable>().SaveAsync(inbox.Transaction, e.CentreId, e.Name, e.Version, e.TimeZone, e.CalendarId, ct);

    /// <summary>The highest catalogue version wins, whatever order the versions come in.</summary>
    public static async Task OnPartCataloguedAsync(PartCatalogued e, InboxContext inbox, CancellationToken ct)
    {
        var table = inbox.Services.GetRequiredService<RequestablePartsTable>();
        var clock = inbox.Services.GetRequiredService<TimeProvider>();
        var incoming = new RequestablePart(e.PartNumber, e.Description, e.Serialized, e.Unit, e.Version, clock.GetUtcNow());
        var current = await table.FindForUpdateAsync(inbox.Transaction, e.PartNumber, ct);
        if (RequestablePart.Replaces(current, incoming)) await table.SaveAsync(inbox.Transaction, incoming, ct);
    }
}
