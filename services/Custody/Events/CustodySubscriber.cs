using Google.Protobuf;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;

namespace Logistics.Custody.Events;

/// <summary>
/// Custody follows the serials through the other services' events. Each event is translated
/// (<see cref="CustodyTranslation"/>, pure) and recorded in the inbox transaction (<see cref="CustodyRecorder"/>).
/// An event that means nothing for custody is acknowledged without effect; nothing here throws on stale or
/// out-of-order input (a late event takes its place in business order).
/// </summary>
public static class CustodySubscriber
{
    public static void MapCustodyEvents(this IEndpointRouteBuilder app)
    {
        Map<StockMovementRecorded>(app, EventTopics.StockMovementRecorded, CustodyTranslation.From);
        Map<PartRequestShipped>(app, EventTopics.PartRequestShipped, CustodyTranslation.From);
        Map<ReceiptSigned>(app, EventTopics.ReceiptSigned, CustodyTranslation.From);
        Map<PartInstalled>(app, EventTopics.PartInstalled, CustodyTranslation.From);
        Map<ReturnChanged>(app, EventTopics.ReturnChanged, CustodyTranslation.From);
        Map<ReturnInspected>(app, EventTopics.ReturnInspected, CustodyTranslation.From);
        Map<DoaClaimApproved>(app, EventTopics.DoaClaimApproved, CustodyTranslation.From);
        Map<DoaClaimChanged>(app, EventTopics.DoaClaimChanged, CustodyTranslation.From);
    }

    private static void Map<TEvent>(IEndpointRouteBuilder app, string topic, Func<TEvent, EventSource, Translation> translate)
        where TEvent : IMessage<TEvent>, new() =>
        app.MapIntegrationEvent<TEvent>(topic, async (e, inbox, ct) =>
        {
            var clock = inbox.Services.GetRequiredService<TimeProvider>();
            var translation = translate(e, new EventSource(inbox.EventId, clock.GetUtcNow()));
            if (ReferenceEquals(translation, Translation.Nothing)) return;
            await inbox.Services.GetRequiredService<CustodyRecorder>().RecordAsync(inbox.Transaction, translation, ct);
        });
}
