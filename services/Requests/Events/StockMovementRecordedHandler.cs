using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// Follows inventory's stock movements for the serials on the shelf of each centre (what the warehouse may ship). A
/// movement that arrives after a newer one for the same serial is ignored.
/// </summary>
public sealed class StockMovementRecordedHandler(ShelfSerialsTable shelf) : IIntegrationEventHandler<StockMovementRecorded>
{
    public async Task HandleAsync(StockMovementRecorded e, InboxContext inbox, CancellationToken ct)
    {
        var placements = StockMovementSerials.Placements(e.Kind, e.Serials, e.DeltaOnHand);
        if (placements.Count == 0 || string.IsNullOrEmpty(e.CentreId) || string.IsNullOrEmpty(e.PartNumber)) return;
        var tx = inbox.Transaction;
        var serials = placements.Select(p => p.Serial).ToList();
        await ShelfSerialsTable.LockAsync(tx, e.CentreId, e.PartNumber, serials, ct);
        var known = await shelf.FindAsync(tx, e.CentreId, e.PartNumber, serials, ct);
        foreach (var placement in placements)
        {
            var next = known.TryGetValue(placement.Serial, out var current)
                ? current.After(placement, e.Sequence)
                : ShelfSerial.Seen(e.CentreId, e.PartNumber, placement, e.Sequence);
            if (next is not null) await shelf.SaveAsync(tx, next, ct);
        }
    }
}
