using Google.Protobuf;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Custody.Events;

/// <summary>The topics this service follows, each with its handler (<see cref="CustodyHandler{TEvent}"/>: translate, then record).</summary>
public static class Subscriptions
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        Map<StockMovementRecorded>(app, EventTopics.StockMovementRecorded);
        Map<PartRequestShipped>(app, EventTopics.PartRequestShipped);
        Map<ReceiptSigned>(app, EventTopics.ReceiptSigned);
        Map<PartInstalled>(app, EventTopics.PartInstalled);
        Map<ReturnChanged>(app, EventTopics.ReturnChanged);
        Map<ReturnInspected>(app, EventTopics.ReturnInspected);
        Map<DoaClaimApproved>(app, EventTopics.DoaClaimApproved);
        Map<DoaClaimChanged>(app, EventTopics.DoaClaimChanged);
        return app;
    }

    private static void Map<TEvent>(IEndpointRouteBuilder app, string topic) where TEvent : IMessage<TEvent>, new() =>
        app.MapIntegrationEvent<TEvent, CustodyHandler<TEvent>>(topic);
}
