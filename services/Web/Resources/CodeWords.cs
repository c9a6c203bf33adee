using Microsoft.Extensions.Localization;

namespace Logistics.Web.Resources;

/// <summary>
/// Code words the services send (a disposition "available", a holder "carrier", a reason "missing") and lower-case
/// words that are also a label ("label", "claims"), shown in the user's language. A resx may not hold two names that differ only by case (the build keeps the first), so a code word
/// whose capitalised form is already a label ("Available") is translated by that label.
/// </summary>
public static class CodeWords
{
    public static LocalizedString Word(this IStringLocalizer localizer, string code)
    {
        var exact = localizer[code];
        if (!exact.ResourceNotFound || code.Length == 0 || char.IsUpper(code[0])) return exact;
        var label = localizer[char.ToUpperInvariant(code[0]) + code[1..]];
        return label.ResourceNotFound ? exact : label;
    }
}

/// <summary>
/// Who did a step, as a person reads it: a step the system took on its own (an approval within the quota, a
/// reservation by inventory, a close when the faulty part came back) was recorded under a service's name, which
/// means nothing to the reader; it reads "automatically".
/// </summary>
public static class Actors
{
    private static readonly HashSet<string> Systems = ["system", "inventory", "requests", "receipts", "returns", "doa", "custody"];

    public static bool IsSystem(string by) => Systems.Contains(by);

    public static LocalizedString By(this IStringLocalizer localizer, string by) =>
        IsSystem(by) ? localizer["automatically"] : localizer["by {0}", by];
}
