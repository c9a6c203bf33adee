using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Requests.Events;

/// <summary>The topics this service follows, each with its handler.</summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<CentreDefined, CentreDefinedHandler>(EventTopics.CentreDefined);
        app.MapIntegrationEvent<PartCatalogued, PartCataloguedHandler>(EventTopics.PartCatalogued);
        app.MapIntegrationEvent<StockMovementRecorded, StockMovementRecordedHandler>(EventTopics.StockMovementRecorded);
        app.MapIntegrationEvent<StockReservationChanged, StockReservationChangedHandler>(EventTopics.StockReservationChanged);
        app.MapIntegrationEvent<ReceiptSigned, ReceiptSignedHandler>(EventTopics.ReceiptSigned);
        app.MapIntegrationEvent<ReturnInspected, ReturnInspectedHandler>(EventTopics.ReturnInspected);
        app.MapIntegrationEvent<ReturnChanged, ReturnChangedHandler>(EventTopics.ReturnChanged);
        app.MapIntegrationEvent<DoaClaimApproved, DoaClaimApprovedHandler>(EventTopics.DoaClaimApproved);
        app.MapIntegrationEvent<TransitInvestigationChanged, TransitInvestigationChangedHandler>(EventTopics.TransitInvestigationChanged);
        return app;
    }
}
