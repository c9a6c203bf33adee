using Google.Protobuf;
using Logistics.Custody.Domain;
using Logistics.Hosting.Messaging;

namespace Logistics.Custody.Events;

/// <summary>
/// Custody follows the serials through the other services' events, every topic alike: the event is translated
/// (<see cref="CustodyTranslation"/>, pure) and what it means is recorded in the inbox transaction
/// (<see cref="CustodyRecorder"/>). An event that means nothing for custody is acknowledged without effect; nothing here
/// throws on stale or out-of-order input (a late event takes its place in business order).
/// </summary>
public sealed class CustodyHandler<TEvent>(CustodyRecorder recorder, TimeProvider clock) : IIntegrationEventHandler<TEvent>
    where TEvent : IMessage<TEvent>
{
    public async Task HandleAsync(TEvent e, InboxContext inbox, CancellationToken ct)
    {
        var translation = CustodyTranslation.Of(e, new EventSource(inbox.EventId, clock.GetUtcNow()));
        if (ReferenceEquals(translation, Translation.Nothing)) return;
        await recorder.RecordAsync(inbox.Transaction, translation, ct);
    }
}
