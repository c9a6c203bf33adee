using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>The topics doa follows; each handler is a method of <see cref="ClaimFacts"/> in the inbox transaction.</summary>
public static class DoaSubscriptions
{
    public static void MapDoaEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<ReceiptSigned>(EventTopics.ReceiptSigned, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ClaimFacts>().OnReceiptSignedAsync(inbox.Transaction, e, ct));
        app.MapIntegrationEvent<PartRequestShipped>(EventTopics.PartRequestShipped, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ClaimFacts>().OnPartRequestShippedAsync(inbox.Transaction, e, ct));
        app.MapIntegrationEvent<ReturnChanged>(EventTopics.ReturnChanged, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ClaimFacts>().OnReturnChangedAsync(inbox.Transaction, e, ct));
        // The DOA report's supplier and batch of each delivered unit.
        app.MapIntegrationEvent<PartCatalogued>(EventTopics.PartCatalogued, (e, inbox, ct) =>
            ReportFacts.OnPartCataloguedAsync(inbox.Transaction, e, ct));
        app.MapIntegrationEvent<StockMovementRecorded>(EventTopics.StockMovementRecorded, (e, inbox, ct) =>
            ReportFacts.OnStockMovementRecordedAsync(inbox.Transaction, e, ct));
    }
}
