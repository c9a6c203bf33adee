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
