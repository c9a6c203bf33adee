using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Returns.Events;

/// <summary>
/// The topics this service follows, each with its handler. Stale, out-of-order, irrelevant or malformed events are
/// logged and ignored (never thrown: that would only redeliver them), and a redelivery changes nothing: return ids come
/// from the request or claim (<see cref="Domain.ReturnIds"/>).
/// </summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartInstalled, PartInstalledHandler>(EventTopics.PartInstalled);
        app.MapIntegrationEvent<DoaClaimApproved, DoaClaimApprovedHandler>(EventTopics.DoaClaimApproved);
        app.MapIntegrationEvent<PartRequestShipped, PartRequestShippedHandler>(EventTopics.PartRequestShipped);
        app.MapIntegrationEvent<ReceiptSigned, ReceiptSignedHandler>(EventTopics.ReceiptSigned);
        app.MapIntegrationEvent<DoaClaimChanged, DoaClaimChangedHandler>(EventTopics.DoaClaimChanged);
        return app;
    }
}
