using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Receipts.Events;

/// <summary>The topics this service follows, each with its handler: which handovers to expect, learnt from the senders' events.</summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartRequestShipped, PartRequestShippedHandler>(EventTopics.PartRequestShipped);
        app.MapIntegrationEvent<ReturnChanged, ReturnChangedHandler>(EventTopics.ReturnChanged);
        app.MapIntegrationEvent<TransferChanged, TransferChangedHandler>(EventTopics.TransferChanged);
        return app;
    }
}
