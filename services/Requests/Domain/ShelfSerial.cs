using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Requests.Domain;

/// <summary>
/// One serial of a part at a centre as the requests service knows it: on the shelf or not (from inventory's stock
/// movements), and picked for a shipment (by this service, when the warehouse ships a request). The warehouse may
/// only ship serials on hand at the request's centre that no other shipment has picked.
/// </summary>
/// <param name="Sequence">The position in the centre's ledger of the movement this state comes from.</param>
/// <param name="PickedBy">The request that shipped it while it was on hand; cleared when it comes back on hand.</param>
public sealed record ShelfSerial(string CentreId, string PartNumber, string Serial, bool OnHand, long Sequence, string? PickedBy)
{
    /// <summary>A serial first seen in a movement.</summary>
    public static ShelfSerial Seen(string centreId, string partNumber, SerialPlacement placement, long sequence) =>
        new(centreId, partNumber, placement.Serial, placement.OnHand, sequence, null);

    /// <summary>
    /// A later movement of the serial; null when the movement is older than what is known (events arrive out of order
    /// after retries), so the newer state stands. A serial back on hand (no-fault-found return, goods in again) can be
    /// picked again.
    /// </summary>
    public ShelfSerial? After(SerialPlacement placement, long sequence) =>
        sequence <= Sequence ? null : this with { OnHand = placement.OnHand, Sequence = sequence, PickedBy = placement.OnHand ? null : PickedBy };

    /// <summary>
    /// Picks each serial for <paramref name="requestId"/>: every one must be on hand at the centre as a unit of the part and
    /// not picked by another request. Checks all before picking any; returns the picked states to store.
    /// </summary>
    public static IReadOnlyList<ShelfSerial> Pick(
        IReadOnlyList<string> serials, IReadOnlyDictionary<string, ShelfSerial> known, string centreId, string partNumber, string requestId)
    {
        foreach (var serial in serials)
        {
            if (!known.TryGetValue(serial, out var shelf) || !shelf.OnHand || shelf.CentreId != centreId || shelf.PartNumber != partNumber)
                throw new RuleViolationException($"serial {serial} of part {partNumber} is not on hand at centre {centreId}");
            if (shelf.PickedBy is not null && shelf.PickedBy != requestId)
                throw new RuleViolationException($"serial {serial} is already picked for request {shelf.PickedBy}");
        }
        return serials.Select(s => known[s] with { PickedBy = requestId }).ToList();
    }
}

/// <summary>Where a stock movement leaves one serial: on the shelf of its centre, or not.</summary>
public sealed record SerialPlacement(string Serial, bool OnHand);

/// <summary>
/// What inventory's stock movements (StockMovementRecorded) say about serials on the shelf. Goods in and to-stock (a
/// no-fault-found return) put serials on hand; shipped, faulty-in, quarantined and scrapped take them off (or say they
/// are not there). An adjustment after a stock count lists the serials it added, then those it removed, with
/// delta_on_hand = added − removed: so the first (count + delta) / 2 serials are on hand and the rest are not.
/// Reservations, releases and receipts at the destination carry no serial of the shelf and say nothing.
/// </summary>
public static class StockMovementSerials
{
    public static IReadOnlyList<SerialPlacement> Placements(string? kind, IReadOnlyList<string> serials, int deltaOnHand)
    {
        ArgumentNullException.ThrowIfNull(serials);
        switch (kind)
        {
            case StockMovementKinds.GoodsIn or StockMovementKinds.ToStock:
                return serials.Select(s => new SerialPlacement(s, true)).ToList();
            case StockMovementKinds.Shipped or StockMovementKinds.FaultyIn or StockMovementKinds.Quarantined or StockMovementKinds.Scrapped:
                return serials.Select(s => new SerialPlacement(s, false)).ToList();
            case StockMovementKinds.Adjusted:
                var added = serials.Count + deltaOnHand;
                // A count that does not fit the rule is not a serial adjustment we understand: say nothing rather than guess.
                if (added < 0 || added % 2 != 0 || added / 2 > serials.Count) return [];
                return serials.Select((s, i) => new SerialPlacement(s, i < added / 2)).ToList();
            default:
                return [];
        }
    }
}
