using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Doa.Events;

/// <summary>The topics this service follows, each with its handler.</summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<ReceiptSigned, ReceiptSignedHandler>(EventTopics.ReceiptSigned);
        app.MapIntegrationEvent<PartRequestShipped, PartRequestShippedHandler>(EventTopics.PartRequestShipped);
        app.MapIntegrationEvent<ReturnChanged, ReturnChangedHandler>(EventTopics.ReturnChanged);
        // The DOA report's supplier and batch of each delivered unit.
        app.MapIntegrationEvent<PartCatalogued, PartCataloguedHandler>(EventTopics.PartCatalogued);
        app.MapIntegrationEvent<StockMovementRecorded, StockMovementRecordedHandler>(EventTopics.StockMovementRecorded);
        return app;
    }
}
