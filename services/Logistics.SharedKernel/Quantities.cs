namespace Logistics.SharedKernel;

/// <summary>
/// How many units one line of a command may carry (a request, a goods-in, a reservation, a receipt, a counted line):
/// 1 to <see cref="MaxPerLine"/>. No spare-part centre handles a million of one part in one movement, and the bound
/// keeps every sum of lines far inside the 32-bit stock counters, so a typing slip or a forged number (2^63 - 1)
/// is refused at the door instead of failing later in arithmetic, on every retry.
/// </summary>
public static class Quantities
{
    public const int MaxPerLine = 1_000_000;

    private static readonly string Max = MaxPerLine.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A quantity moved or asked for: 1 to <see cref="MaxPerLine"/>.</summary>
    public static int Check(long value, string field = "quantity")
    {
        if (value <= 0) throw new InvalidFieldException(field, $"must be greater than zero (was {value})");
        if (value > MaxPerLine) throw new InvalidFieldException(field, $"must be at most {Max} per line (was {value})");
        return (int)value;
    }

    /// <summary>A quantity found or reported, where nothing is an answer too: 0 to <see cref="MaxPerLine"/>.</summary>
    public static int CheckCounted(long value, string field)
    {
        if (value < 0) throw new InvalidFieldException(field, $"cannot be negative (was {value})");
        if (value > MaxPerLine) throw new InvalidFieldException(field, $"must be at most {Max} per line (was {value})");
        return (int)value;
    }
}
