using System.Globalization;

namespace Logistics.LocalSidecar.Resources;

/// <summary>Durations as Dapr writes them (Go's time.ParseDuration): "500ms", "15s", "1m30s", "1h".</summary>
public static class GoDuration
{
    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
    ];

    public static TimeSpan Parse(string text, string what)
    {
        var s = text.Trim();
        if (s == "0") return TimeSpan.Zero;
        double total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) throw Bad(text, what);
            var number = double.Parse(s[start..i], CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[unitStart..i];
            var match = Units.FirstOrDefault(u => u.Unit == unit);
            if (match.Unit is null) throw Bad(text, what);
            total += number * match.Milliseconds;
        }
        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>pubsub.redis reads a bare number as milliseconds (a legacy it keeps), anything else as a Go duration.</summary>
    public static TimeSpan ParseMillisecondsOrDuration(string text, string what) =>
        ulong.TryParse(text.Trim(), out var ms) ? TimeSpan.FromMilliseconds(ms) : Parse(text, what);

    private static FormatException Bad(string text, string what) =>
        new($"{what}: '{text}' is not a duration (examples: 500ms, 15s, 1m30s)");
}
