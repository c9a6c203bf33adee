using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>What an admin asks a spare-part centre to be.</summary>
public sealed record CentreDefinition(string CentreId, string Name, IReadOnlyList<string> Bins);

/// <summary>A spare-part centre and the bins its stock is kept in.</summary>
public sealed record SparePartCentre(string CentreId, string Name, IReadOnlyList<string> Bins, long Version, DateTimeOffset UpdatedAt)
{
    public const int MaxBins = 10_000;

    public static CentreDefinition Define(string? centreId, string? name, IEnumerable<string?> bins)
    {
        var id = Require.Code(centreId, "centre_id");
        var text = Require.Text(name, "name");
        var list = bins.Select(b => Require.Code(b, "bins")).ToList();
        if (list.Count == 0) throw new InvalidFieldException("bins", "a centre needs at least one bin");
        if (list.Count > MaxBins) throw new InvalidFieldException("bins", $"at most {MaxBins} bins");
        var duplicate = list.GroupBy(b => b).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidFieldException("bins", $"bin '{duplicate.Key}' is listed twice");
        return new CentreDefinition(id, text, list);
    }

    /// <summary>
    /// The centre after applying a definition, or null when nothing changes. Bins can be added but not
    /// removed: stock and past movements refer to them (a bin is emptied and retired by a stock count instead).
    /// </summary>
    public static SparePartCentre? Apply(SparePartCentre? current, CentreDefinition definition, DateTimeOffset now)
    {
        if (current is null)
            return new SparePartCentre(definition.CentreId, definition.Name, definition.Bins, 1, now);
        var removed = current.Bins.Except(definition.Bins).ToList();
        if (removed.Count > 0)
            throw new RuleViolationException($"centre {current.CentreId}: bins cannot be removed ({string.Join(", ", removed)}); list every existing bin");
        if (current.Name == definition.Name && current.Bins.SequenceEqual(definition.Bins)) return null;
        return current with { Name = definition.Name, Bins = definition.Bins, Version = current.Version + 1, UpdatedAt = now };
    }

    public string RequireBin(string? bin)
    {
        var code = Require.Code(bin, "bin");
        if (!Bins.Contains(code)) throw new InvalidFieldException("bin", $"'{code}' is not a bin of centre {CentreId}");
        return code;
    }
}
