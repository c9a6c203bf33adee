using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// Follows inventory's stock movements: the outcome of a request's reservation (kind "reserved" / "backordered" whose
/// reference is the request id), and the serials on the shelf of each centre (what the warehouse may ship). Movements
/// that do not concern a request of ours, arrive after a newer one, or come too late for the request are ignored.
/// </summary>
public static class StockMovementSubscriber
{
    public static void MapStockMovementEvents(this IEndpointRouteBuilder app) =>
        app.MapIntegrationEvent<StockMovementRecorded>(EventTopics.StockMovementRecorded, async (e, inbox, ct) =>
        {
            await UpdateShelfAsync(e, inbox, ct);
            await RecordReservationAsync(e, inbox, ct);
        });

    public static async Task UpdateShelfAsync(StockMovementRecorded e, InboxContext inbox, CancellationToken ct)
    {
        var placements = StockMovementSerials.Placements(e.Kind, e.Serials, e.DeltaOnHand);
        if (placements.Count == 0 || string.IsNullOrEmpty(e.CentreId) || string.IsNullOrEmpty(e.PartNumber)) return;
        var shelf = inbox.Services.GetRequiredService<ShelfSerialsTable>();
        var tx = inbox.Transaction;
        await ShelfSerialsTable.LockAsync(tx, e.CentreId, e.PartNumber, ct);
        var known = await shelf.FindAsync(tx, e.CentreId, e.PartNumber, placements.Select(p => p.Serial).ToList(), ct);
        foreach (var placement in placements)
        {
            var next = known.TryGetValue(placement.Serial, out var current)
                ? current.After(placement, e.Sequence)
                : ShelfSerial.Seen(e.CentreId, e.PartNumber, placement, e.Sequence);
            if (next is not null) await shelf.SaveAsync(tx, next, ct);
        }
    }

    private static async Task RecordReservationAsync(StockMovementRecorded e, InboxContext inbox, CancellationToken ct)
    {
        ReservationOutcome? outcome = e.Kind switch
        {
            "reserved" => ReservationOutcome.Reserved,
            "backordered" => ReservationOutcome.Backordered,
            _ => null,
        };
        if (outcome is null || string.IsNullOrEmpty(e.Reference)) return;
        var requests = inbox.Services.GetRequiredService<PartRequestStore>();
        var request = await requests.FindForUpdateAsync(inbox.Transaction, e.Reference, ct);
        // Not a request of ours (a manual reservation), another centre, or an answer that no longer applies.
        if (request is null || request.CentreId != e.CentreId || !request.AwaitsReservation(outcome.Value)) return;
        request.RecordReservation(outcome.Value, EventTime.Of(e.OccurredAt, inbox));
        await requests.UpdateAsync(inbox.Transaction, request, ct);
    }
}

/// <summary>The time an event says something happened; a publisher that left it out gets the arrival time.</summary>
internal static class EventTime
{
    public static DateTimeOffset Of(Google.Protobuf.WellKnownTypes.Timestamp? time, InboxContext inbox) =>
        time?.ToDateTimeOffset() ?? inbox.Services.GetRequiredService<TimeProvider>().GetUtcNow();
}
