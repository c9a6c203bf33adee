using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Logistics.SharedKernel;

namespace Logistics.Custody.Api;

/// <summary>Opaque keyset cursors: where the previous page stopped, never an offset (pages stay fast and stable as rows are added).</summary>
public static class PageTokens
{
    private const string HistoryPrefix = "h1:";
    private const string AnomaliesPrefix = "a1:";

    /// <summary>After the event at (occurred_at, sequence) in the serial's business order.</summary>
    public static string History(DateTimeOffset occurredAt, long sequence) =>
        Encode($"{HistoryPrefix}{occurredAt.UtcTicks}:{sequence}");

    public static (DateTimeOffset OccurredAt, long Sequence)? ParseHistory(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var parts = Decode(token, HistoryPrefix).Split(':');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return (new DateTimeOffset(ticks, TimeSpan.Zero), sequence);
        throw Invalid();
    }

    /// <summary>Before the anomaly at this detection position (newest first).</summary>
    public static string Anomalies(long seq) => Encode($"{AnomaliesPrefix}{seq}");

    public static long? ParseAnomalies(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        return long.TryParse(Decode(token, AnomaliesPrefix), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : throw Invalid();
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Decode(string token, string prefix)
    {
        string text;
        try { text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)); }
        catch (FormatException) { throw Invalid(); }
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : throw Invalid();
    }

    private static InvalidFieldException Invalid() => new("page_token", "is not a page token of this list");
}
