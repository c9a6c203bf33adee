using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Events;

/// <summary>Stock commands made from events: deterministic keys and movement ids, so a redelivery is recognised.</summary>
internal static class EventCommands
{
    /// <summary>A command at the event's own time (<see cref="EventTime"/>).</summary>
    public static StockCommand For(string centreId, string idempotencyKey, string eventId, Google.Protobuf.WellKnownTypes.Timestamp? occurredAt, TimeProvider clock) =>
        new(centreId, idempotencyKey, MovementId(eventId), EventTime.Of(occurredAt, clock));

    /// <summary>The same event always makes the same movement id.</summary>
    public static Guid MovementId(string seed) =>
        Fingerprint.Guid("movement:" + seed);
}
