using System.Text.RegularExpressions;

namespace Logistics.SharedKernel;

/// <summary>Serial numbers as every service accepts them: letters, digits, '-' and '_', 1 to 64 characters.</summary>
public static partial class Serials
{
    public const int MaxLength = 64;

    public static bool IsWellFormed(string? serial) => serial is not null && Pattern().IsMatch(serial);

    /// <summary>The serial trimmed, or <see cref="InvalidFieldException"/> naming <paramref name="field"/>.</summary>
    public static string Check(string? serial, string field = "serial")
    {
        if (string.IsNullOrWhiteSpace(serial)) throw new InvalidFieldException(field, "a serial is required");
        var text = serial.Trim();
        if (!IsWellFormed(text))
            throw new InvalidFieldException(field, $"'{text}' is not a serial (letters, digits, '-' and '_', at most {MaxLength} characters)");
        return text;
    }

    /// <summary>Checks each serial and that none repeats.</summary>
    public static IReadOnlyList<string> CheckDistinct(IEnumerable<string?>? serials, string field)
    {
        var list = (serials ?? []).Select(s => Check(s, field)).ToList();
        var repeated = list.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InvalidFieldException(field, $"serial '{repeated.Key}' is listed more than once");
        return list;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Pattern();
}
