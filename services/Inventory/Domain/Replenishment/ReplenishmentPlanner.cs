namespace Logistics.Inventory.Domain.Replenishment;

/// <summary>Where a proposal line suggests the units come from.</summary>
public enum LineSource { Purchase, Transfer }

/// <summary>
/// One part of the centre being planned: its min/max, what is available there (less what it promised to other centres
/// and has not picked yet), and what is already coming (the open expected goods-in not yet received, and the open
/// transfers to it not yet received).
/// </summary>
public sealed record PartPosition(string PartNumber, long Available, long Incoming, int ReorderPoint, int OrderUpTo, string Supplier)
{
    public long Position => Available + Incoming;
}

/// <summary>
/// Another centre's stock of a part above its own order-up-to: the surplus a transfer could take. Its available is less
/// what it already promised to transfers it has not picked yet, so the same units are not proposed twice.
/// </summary>
public sealed record CentreSurplus(string CentreId, string PartNumber, long Available, int OrderUpTo)
{
    public long Surplus => Available - OrderUpTo;
}

/// <summary>A proposed line: bring the part up to order-up-to, from the suggested source.</summary>
public sealed record ProposalLine(
    string PartNumber, int Quantity, long Available, long Incoming, int ReorderPoint, int OrderUpTo,
    LineSource Source, string SourceCentre, string Supplier);

/// <summary>The replenishment rule, without I/O.</summary>
public static class ReplenishmentPlanner
{
    /// <summary>
    /// A line for every part whose available + incoming is at or below its reorder point, for order-up-to minus that.
    /// The source is another centre holding above its own max when that surplus covers the whole line (the largest
    /// surplus, then the lowest centre id; a line is never split, nor more than a transfer moves), otherwise a purchase
    /// from the part's supplier ("" when
    /// the catalogue does not know it: the warehouse names one when accepting). Lines are in part-number order.
    /// </summary>
    public static IReadOnlyList<ProposalLine> Plan(string centreId, IEnumerable<PartPosition> positions, IEnumerable<CentreSurplus> others)
    {
        var surplusByPart = others
            .Where(o => o.CentreId != centreId && o.Surplus > 0)
            .ToLookup(o => o.PartNumber, StringComparer.Ordinal);
        var lines = new List<ProposalLine>();
        foreach (var p in positions.OrderBy(p => p.PartNumber, StringComparer.Ordinal))
        {
            if (p.Position > p.ReorderPoint) continue;
            var quantity = Math.Min(p.OrderUpTo - p.Position, Logistics.SharedKernel.Quantities.MaxPerLine);
            if (quantity <= 0) continue; // min = max and exactly at it: nothing to bring
            // A transfer moves at most Transfer.MaxQuantity units: a larger line is a purchase.
            var source = quantity > Transfers.Transfer.MaxQuantity ? null : surplusByPart[p.PartNumber]
                .Where(o => o.Surplus >= quantity)
                .OrderByDescending(o => o.Surplus).ThenBy(o => o.CentreId, StringComparer.Ordinal)
                .FirstOrDefault();
            lines.Add(new ProposalLine(p.PartNumber, (int)quantity, p.Available, p.Incoming, p.ReorderPoint, p.OrderUpTo,
                source is null ? LineSource.Purchase : LineSource.Transfer, source?.CentreId ?? "", p.Supplier));
        }
        return lines;
    }
}
