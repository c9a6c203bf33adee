using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Counts;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Data;

/// <summary>
/// What a count expects, read from the stock in Redis: a serialized part has a line per bin holding its serials
/// (serials are kept per bin); a quantity-tracked part one whole-centre line (quantities are kept per centre),
/// and only in a parts-scoped count.
/// </summary>
public sealed class CountSnapshots(StockStore stock, PartsTable parts)
{
    public async Task<IReadOnlyList<ExpectedLine>> ExpectedAsync(CountScope scope, CancellationToken ct)
    {
        var lines = new List<ExpectedLine>();
        if (scope.Kind == CountScopeKind.PartNumbers)
        {
            foreach (var part in scope.PartNumbers) lines.AddRange(await LinesOfPartAsync(scope, part, ct));
            return lines;
        }
        var cursor = "";
        do
        {
            var page = await stock.ListLevelsAsync(scope.CentreId, cursor, StockStore.MaxPageSize);
            foreach (var level in page.Levels) lines.AddRange(await LinesOfPartAsync(scope, level.PartNumber, ct));
            cursor = page.NextCursor;
        } while (cursor != "");
        return lines;
    }

    /// <summary>The fresh expected line for one (bin, part), for a stale line being recounted.</summary>
    public async Task<ExpectedLine> ExpectedAsync(CountScope scope, CountLineKey key, CancellationToken ct)
    {
        var lines = await LinesOfPartAsync(scope, key.PartNumber, ct);
        return lines.FirstOrDefault(l => l.Key == key)
            ?? new ExpectedLine(key.Bin, key.PartNumber, key.IsWholeCentre ? CountTracking.Quantity : CountTracking.Serialized, 0, []);
    }

    private async Task<IEnumerable<ExpectedLine>> LinesOfPartAsync(CountScope scope, string partNumber, CancellationToken ct)
    {
        var part = await parts.FindAsync(partNumber, ct);
        if (part is null) return [];
        if (!part.Serialized)
        {
            if (scope.Kind != CountScopeKind.PartNumbers) return [];
            var level = await stock.GetLevelAsync(scope.CentreId, partNumber);
            return [new ExpectedLine(CountLineKey.WholeCentre, partNumber, CountTracking.Quantity, level.OnHand, [])];
        }
        var serials = await stock.ListSerialsAsync(scope.CentreId, partNumber);
        return serials.Where(s => s.Place == SerialPlace.OnHand && (scope.Kind == CountScopeKind.PartNumbers || scope.HasBin(s.Bin)))
            .GroupBy(s => s.Bin)
            .Select(g => new ExpectedLine(g.Key, partNumber, CountTracking.Serialized, g.Count(), g.Select(s => s.Serial).Order(StringComparer.Ordinal).ToList()));
    }
}
