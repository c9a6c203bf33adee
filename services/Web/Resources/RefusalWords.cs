using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Logistics.Web.Resources;

/// <summary>
/// The reasons the services' shared field checks give (a quantity, a code, a serial, a date, a period), said in the
/// reader's language with the same figures. The services answer in English; these are the reasons any form can meet,
/// recognised by their English wording (unit tests produce each one with the shared checks themselves, so a change of
/// wording there fails here). Any other reason is shown as sent.
/// </summary>
public static partial class RefusalWords
{
    private static readonly (Regex English, string Key)[] Reasons =
    [
        (GreaterThanZero(), "must be greater than zero (was {0})"),
        (AtMostPerLine(), "must be at most {0} per line (was {1})"),
        (NotNegative(), "cannot be negative (was {0})"),
        (Required(), "is required"),
        (Longer(), "is longer than {0} characters"),
        (ControlCharacters(), "contains control characters"),
        (CodeCharacters(), "'{0}' may contain only letters, digits, '-', '.' and '_'"),
        (SerialRequired(), "a serial is required"),
        (NotASerial(), "'{0}' is not a serial (letters, digits, '-' and '_', at most {1} characters)"),
        (SerialTwice(), "serial '{0}' is listed more than once"),
        (InTheFuture(), "{0} is in the future"),
        (TooOld(), "{0} is before {1}: no part in service is that old"),
        (FromAfterTo(), "{0} is after to ({1})"),
        (PeriodTooLong(), "the period {0} to {1} is longer than {2} days"),
        (NotADate(), "'{0}' is not a date (yyyy-MM-dd)"),
        (DateBefore(), "{0} is before {1}"),
        (YearAhead(), "{0} is more than a year ahead"),
    ];

    public static string Say(this IStringLocalizer localizer, string reason)
    {
        foreach (var (english, key) in Reasons)
        {
            var match = english.Match(reason);
            if (match.Success)
                return localizer[key, match.Groups.Values.Skip(1).Select(g => (object)g.Value).ToArray()];
        }
        return reason;
    }

    [GeneratedRegex(@"^must be greater than zero \(was (.+)\)$")] private static partial Regex GreaterThanZero();
    [GeneratedRegex(@"^must be at most (\S+) per line \(was (.+)\)$")] private static partial Regex AtMostPerLine();
    [GeneratedRegex(@"^cannot be negative \(was (.+)\)$")] private static partial Regex NotNegative();
    [GeneratedRegex(@"^is required$")] private static partial Regex Required();
    [GeneratedRegex(@"^is longer than (\d+) characters$")] private static partial Regex Longer();
    [GeneratedRegex(@"^contains control characters$")] private static partial Regex ControlCharacters();
    [GeneratedRegex(@"^'(.*)' may contain only letters, digits, '-', '\.' and '_'$", RegexOptions.Singleline)] private static partial Regex CodeCharacters();
    [GeneratedRegex(@"^a serial is required$")] private static partial Regex SerialRequired();
    [GeneratedRegex(@"^'(.*)' is not a serial \(letters, digits, '-' and '_', at most (\d+) characters\)$", RegexOptions.Singleline)] private static partial Regex NotASerial();
    [GeneratedRegex(@"^serial '(.*)' is listed more than once$", RegexOptions.Singleline)] private static partial Regex SerialTwice();
    [GeneratedRegex(@"^(\S+) is in the future$")] private static partial Regex InTheFuture();
    [GeneratedRegex(@"^(\S+) is before (\S+): no part in service is that old$")] private static partial Regex TooOld();
    [GeneratedRegex(@"^(\S+) is after to \((\S+)\)$")] private static partial Regex FromAfterTo();
    [GeneratedRegex(@"^the period (\S+) to (\S+) is longer than (\d+) days$")] private static partial Regex PeriodTooLong();
    [GeneratedRegex(@"^'(.*)' is not a date \(yyyy-MM-dd\)$", RegexOptions.Singleline)] private static partial Regex NotADate();
    [GeneratedRegex(@"^(\S+) is before (\S+)$")] private static partial Regex DateBefore();
    [GeneratedRegex(@"^(\S+) is more than a year ahead$")] private static partial Regex YearAhead();
}
