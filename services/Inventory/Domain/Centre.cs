using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;

namespace Logistics.Inventory.Domain;

/// <summary>
/// What an admin asks a spare-part centre to be. <see cref="TimeZone"/> and <see cref="CalendarId"/> are null when the
/// admin left them out: a new centre then gets UTC and the Monday-Friday calendar, an existing one keeps what it has.
/// </summary>
public sealed record CentreDefinition(string CentreId, string Name, IReadOnlyList<string> Bins, string? TimeZone = null, string? CalendarId = null);

/// <summary>
/// A spare-part centre and the bins its stock is kept in, with the IANA time zone and the working calendar its
/// ship-by deadlines run on (docs/time.md).
/// </summary>
public sealed record SparePartCentre(
    string CentreId, string Name, IReadOnlyList<string> Bins, long Version, DateTimeOffset UpdatedAt,
    string TimeZone = TimeZones.Default, string CalendarId = WorkingCalendars.MondayToFridayId)
{
    public const int MaxBins = 10_000;

    public static CentreDefinition Define(string? centreId, string? name, IEnumerable<string?> bins, string? timeZone = null, string? calendarId = null)
    {
        var id = Require.Code(centreId, "centre_id");
        var text = Require.Text(name, "name");
        var list = bins.Select(b => Require.Code(b, "bins")).ToList();
        if (list.Count == 0) throw new InvalidFieldException("bins", "a centre needs at least one bin");
        if (list.Count > MaxBins) throw new InvalidFieldException("bins", $"at most {MaxBins} bins");
        var duplicate = list.GroupBy(b => b).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidFieldException("bins", $"bin '{duplicate.Key}' is listed twice");
        var zone = string.IsNullOrEmpty(timeZone) ? null : TimeZones.Find(timeZone).Id;
        var calendar = string.IsNullOrEmpty(calendarId) ? null : Require.Code(calendarId, "calendar_id");
        return new CentreDefinition(id, text, list, zone, calendar);
    }

    /// <summary>
    /// The centre after applying a definition, or null when nothing changes. Bins can be added but not
    /// removed: stock and past movements refer to them (a bin is emptied and retired by a stock count instead).
    /// </summary>
    public static SparePartCentre? Apply(SparePartCentre? current, CentreDefinition definition, DateTimeOffset now)
    {
        if (current is null)
            return new SparePartCentre(definition.CentreId, definition.Name, definition.Bins, 1, now,
                definition.TimeZone ?? TimeZones.Default, definition.CalendarId ?? WorkingCalendars.MondayToFridayId);
        var removed = current.Bins.Except(definition.Bins).ToList();
        if (removed.Count > 0)
            throw new RuleViolationException($"centre {current.CentreId}: bins cannot be removed ({string.Join(", ", removed)}); list every existing bin");
        var zone = definition.TimeZone ?? current.TimeZone;
        var calendar = definition.CalendarId ?? current.CalendarId;
        if (current.Name == definition.Name && current.Bins.SequenceEqual(definition.Bins) && current.TimeZone == zone && current.CalendarId == calendar)
            return null;
        return current with
        {
            Name = definition.Name, Bins = definition.Bins, TimeZone = zone, CalendarId = calendar, Version = current.Version + 1, UpdatedAt = now,
        };
    }

    public string RequireBin(string? bin)
    {
        var code = Require.Code(bin, "bin");
        if (!Bins.Contains(code)) throw new InvalidFieldException("bin", $"'{code}' is not a bin of centre {CentreId}");
        return code;
    }
}
