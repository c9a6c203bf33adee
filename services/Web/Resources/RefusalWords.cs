using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Logistics.Web.Resources;

/// <summary>
/// The reasons the services' shared field checks give (a quantity, a code, a serial, a date, a period), said in the
/// reader's language with the same figures. The services answer in English; each reason here is its English wording
/// with placeholders, used both to recognise it and as its resource key (unit tests produce each one with the shared
/// checks themselves, so a change of wording there fails here). Any other reason is shown as sent.
/// </summary>
public static partial class RefusalWords
{
    // A longer wording before a shorter one it starts with ("{0} is before {1}: no part…" before "{0} is before {1}").
    private static readonly string[] Reasons =
    [
        "must be greater than zero (was {0})",
        "must be at most {0} per line (was {1})",
        "cannot be negative (was {0})",
        "is required",
        "is longer than {0} characters",
        "contains control characters",
        "'{0}' may contain only letters, digits, '-', '.' and '_'",
        "a serial is required",
        "'{0}' is not a serial (letters, digits, '-' and '_', at most {1} characters)",
        "serial '{0}' is listed more than once",
        "{0} is in the future",
        "{0} is before {1}: no part in service is that old",
        "{0} is after to ({1})",
        "the period {0} to {1} is longer than {2} days",
        "'{0}' is not a date (yyyy-MM-dd)",
        "{0} is before {1}",
        "{0} is more than a year ahead",
    ];

    private static readonly (Regex English, string Key)[] Recognised =
        [.. Reasons.Select(key => (new Regex("^" + Placeholder().Replace(Regex.Escape(key), "(.+)") + "$", RegexOptions.Singleline), key))];

    public static string Say(this IStringLocalizer localizer, string reason)
    {
        foreach (var (english, key) in Recognised)
        {
            var match = english.Match(reason);
            if (match.Success)
                return localizer[key, match.Groups.Values.Skip(1).Select(g => (object)g.Value).ToArray()];
        }
        return reason;
    }

    // A placeholder as Regex.Escape leaves it: "\{0}".
    [GeneratedRegex(@"\\\{\d\}")]
    private static partial Regex Placeholder();
}
