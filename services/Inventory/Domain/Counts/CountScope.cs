using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Counts;

/// <summary>Whether a count covers a list of bins or a list of part numbers.</summary>
public enum CountScopeKind
{
    Bins,
    PartNumbers,
}

/// <summary>
/// What a count covers at one centre: either bins or part numbers, never both. Stock is kept in Redis per bin for
/// serial-tracked parts but only per centre for quantity-tracked parts, so:
/// <list type="bullet">
/// <item>a bins-scoped count covers the serialized parts in its bins (every part, any serial-tracked line whose bin is listed);</item>
/// <item>a parts-scoped count covers its parts everywhere at the centre: serialized ones bin by bin, quantity-tracked
/// ones as one line for the whole centre (bin <see cref="CountLineKey.WholeCentre"/>).</item>
/// </list>
/// </summary>
public sealed class CountScope
{
    private readonly HashSet<string> _bins;
    private readonly HashSet<string> _partNumbers;

    private CountScope(string centreId, CountScopeKind kind, IReadOnlyList<string> bins, IReadOnlyList<string> partNumbers)
    {
        CentreId = centreId;
        Kind = kind;
        Bins = bins;
        PartNumbers = partNumbers;
        _bins = new HashSet<string>(bins, StringComparer.Ordinal);
        _partNumbers = new HashSet<string>(partNumbers, StringComparer.Ordinal);
    }

    public string CentreId { get; }
    public CountScopeKind Kind { get; }

    /// <summary>The bins counted, in the order given (empty for a parts-scoped count).</summary>
    public IReadOnlyList<string> Bins { get; }

    /// <summary>The part numbers counted, in the order given (empty for a bins-scoped count).</summary>
    public IReadOnlyList<string> PartNumbers { get; }

    /// <summary>
    /// A scope from a request. Refuses (naming the field): a malformed centre, bin or part code; both bins and part
    /// numbers; neither; a bin or part listed twice; more entries than the policy allows.
    /// </summary>
    public static CountScope Define(string? centreId, IEnumerable<string?>? bins, IEnumerable<string?>? partNumbers, CountPolicy policy)
    {
        var centre = StockFields.CentreId(centreId);
        var binList = (bins ?? []).ToList();
        var partList = (partNumbers ?? []).ToList();
        if (binList.Count > 0 && partList.Count > 0)
            throw new InvalidFieldException("part_numbers", "a count covers either bins or part_numbers, not both");
        if (binList.Count == 0 && partList.Count == 0)
            throw new InvalidFieldException("bins", "give the bins or the part_numbers to count (at least one)");
        return binList.Count > 0
            ? new CountScope(centre, CountScopeKind.Bins, Distinct(binList, b => StockFields.Bin(b, "bins"), "bins", "bin", policy), [])
            : new CountScope(centre, CountScopeKind.PartNumbers, [],
                Distinct(partList, p => Require.Code(p, "part_numbers", CataloguePart.MaxPartNumberLength), "part_numbers", "part", policy));
    }

    private static List<string> Distinct(List<string?> raw, Func<string?, string> check, string field, string noun, CountPolicy policy)
    {
        if (raw.Count > policy.MaxScopeEntries) throw new InvalidFieldException(field, $"at most {policy.MaxScopeEntries} entries in one count");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(raw.Count);
        foreach (var value in raw)
        {
            var code = check(value);
            if (!seen.Add(code)) throw new InvalidFieldException(field, $"{noun} '{code}' is listed twice");
            list.Add(code);
        }
        return list;
    }

    public bool HasBin(string bin) => _bins.Contains(bin);
    public bool HasPart(string partNumber) => _partNumbers.Contains(partNumber);

    /// <summary>Whether a line (bin, part) lies inside the scope: what a count of this scope could count.</summary>
    public bool Covers(CountLineKey key) => Kind switch
    {
        CountScopeKind.Bins => !key.IsWholeCentre && _bins.Contains(key.Bin),
        _ => _partNumbers.Contains(key.PartNumber),
    };

    public override string ToString() => Kind == CountScopeKind.Bins
        ? $"bins {Summary(Bins)} at centre {CentreId}"
        : $"part numbers {Summary(PartNumbers)} at centre {CentreId}";

    private static string Summary(IReadOnlyList<string> items) =>
        items.Count <= 5 ? string.Join(", ", items) : $"{string.Join(", ", items.Take(5))} and {items.Count - 5} more";
}
