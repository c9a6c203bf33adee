using Google.Protobuf;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// What a service does with one topic's events, in the inbox's transaction. Mapped with
/// <see cref="IntegrationEvents.MapIntegrationEvent{TEvent, THandler}"/>; one class a topic, its dependencies
/// taken in the constructor.
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IMessage<TEvent>
{
    Task HandleAsync(TEvent e, InboxContext inbox, CancellationToken ct);
}
