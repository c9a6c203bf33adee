using Google.Protobuf;
using Npgsql;

namespace Logistics.Hosting.Messaging;

public enum ApplyOutcome { Applied, AlreadyApplied }

/// <summary>The event's data is not the topic's message (proto3 JSON): no retry can mend it.</summary>
public sealed class EventNotReadableException(string message) : Exception(message);

/// <summary>
/// What a subscription does with an event, by topic: the inbox check and the handler, in the caller's transaction. The
/// sidecar's delivery and a replayed dead letter both go through it, so a replay is exactly what a delivery would have
/// been, inbox included (an event applied once is never applied again).
/// </summary>
public sealed class IntegrationEventHandlers(EventDrill drill)
{
    public delegate Task<ApplyOutcome> Apply(string eventId, string data, NpgsqlTransaction tx, IServiceProvider services, CancellationToken ct);

    private readonly Dictionary<string, Apply> _byTopic = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Topics => _byTopic.Keys;

    public Apply? Find(string topic) => _byTopic.GetValueOrDefault(topic);

    public Apply Add<TEvent>(string topic, Func<TEvent, InboxContext, CancellationToken, Task> handle)
        where TEvent : IMessage<TEvent>, new()
    {
        // The inbox key is the topic: one subscription per topic and app, as Dapr allows.
        var subscription = topic;
        Apply apply = async (eventId, data, tx, services, ct) =>
        {
            TEvent message;
            try
            {
                message = ProtoJson.Parser.Parse<TEvent>(data);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new EventNotReadableException($"not a valid {typeof(TEvent).Name}: {e.Message}");
            }
            await using (var inbox = new NpgsqlCommand(
                "INSERT INTO inbox (event_id, subscription, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", tx.Connection, tx)
                { Parameters = { new() { Value = eventId }, new() { Value = subscription }, new() { Value = message.Descriptor.FullName } } })
            {
                // A concurrent delivery of the same id waits here on the key until the first commits.
                if (await inbox.ExecuteNonQueryAsync(ct) == 0) return ApplyOutcome.AlreadyApplied;
            }
            drill.ThrowIfFailing(data);
            await handle(message, new InboxContext(eventId, tx, services), ct);
            return ApplyOutcome.Applied;
        };
        if (!_byTopic.TryAdd(topic, apply))
            throw new InvalidOperationException($"topic {topic} is subscribed twice; Dapr allows one subscription per topic and app");
        return apply;
    }
}
