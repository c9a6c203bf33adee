using Google.Protobuf.WellKnownTypes;

namespace Logistics.Hosting.Messaging;

/// <summary>When an event says its fact happened, for every subscriber alike.</summary>
public static class EventTime
{
    /// <summary>The event's own timestamp; when the publisher left it out, now on the service's clock.</summary>
    public static DateTimeOffset Of(Timestamp? time, TimeProvider clock) => time?.ToDateTimeOffset() ?? clock.GetUtcNow();
}
