using Logistics.Inventory.Data.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Events;

/// <summary>Stock commands made from events: deterministic keys and movement ids, so a redelivery is recognised.</summary>
internal static class EventCommands
{
    public static StockCommand For(string centreId, string idempotencyKey, string eventId, Google.Protobuf.WellKnownTypes.Timestamp? occurredAt) =>
        new(centreId, idempotencyKey, MovementId(eventId), When(occurredAt));

    /// <summary>The event's own time; a publisher that left it out gets the arrival time.</summary>
    public static DateTimeOffset When(Google.Protobuf.WellKnownTypes.Timestamp? time) => time?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;

    /// <summary>The same event always makes the same movement id.</summary>
    public static Guid MovementId(string seed) =>
        Fingerprint.Guid("movement:" + seed);
}
