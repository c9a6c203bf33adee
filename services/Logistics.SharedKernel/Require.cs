using System.Text.RegularExpressions;

namespace Logistics.SharedKernel;

/// <summary>Field checks that throw <see cref="InvalidFieldException"/> naming the field.</summary>
public static partial class Require
{
    public const int DefaultMaxLength = 200;

    public static string Text(string? value, string field, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new InvalidFieldException(field, "is required");
        if (value.Length > maxLength) throw new InvalidFieldException(field, $"is longer than {maxLength} characters");
        if (value.Any(char.IsControl)) throw new InvalidFieldException(field, "contains control characters");
        return value.Trim();
    }

    public static string OptionalText(string? value, string field, int maxLength = DefaultMaxLength) =>
        string.IsNullOrEmpty(value) ? "" : Text(value, field, maxLength);

    /// <summary>An identifier: letters, digits, '-', '.', '_' (no spaces), at most <paramref name="maxLength"/> characters.</summary>
    public static string Code(string? value, string field, int maxLength = 40)
    {
        var text = Text(value, field, maxLength);
        if (!CodePattern().IsMatch(text))
            throw new InvalidFieldException(field, $"'{text}' may contain only letters, digits, '-', '.' and '_'");
        return text;
    }

    public static int Positive(int value, string field)
    {
        if (value <= 0) throw new InvalidFieldException(field, $"must be greater than zero (was {value})");
        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex CodePattern();
}
