using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Inventory.Events;

/// <summary>The topics this service follows, each with its handler: stock follows the part requests and the parts out and back.</summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestApproved, PartRequestApprovedHandler>(EventTopics.PartRequestApproved);
        app.MapIntegrationEvent<PartRequestCancelled, PartRequestCancelledHandler>(EventTopics.PartRequestCancelled);
        app.MapIntegrationEvent<PartRequestShipped, PartRequestShippedHandler>(EventTopics.PartRequestShipped);
        app.MapIntegrationEvent<ReceiptSigned, ReceiptSignedHandler>(EventTopics.ReceiptSigned);
        app.MapIntegrationEvent<ReturnInspected, ReturnInspectedHandler>(EventTopics.ReturnInspected);
        app.MapIntegrationEvent<TransitInvestigationChanged, TransitInvestigationChangedHandler>(EventTopics.TransitInvestigationChanged);
        return app;
    }
}
