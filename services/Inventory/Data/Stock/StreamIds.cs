namespace Logistics.Inventory.Data.Stock;

/// <summary>Redis stream entry ids ("milliseconds-sequence"), compared as the two numbers they are, not as text.</summary>
public static class StreamIds
{
    public static bool IsAfter(string id, string other) => Compare(Parse(id), Parse(other)) > 0;

    private static (ulong Ms, ulong Seq) Parse(string id)
    {
        var dash = id.IndexOf('-');
        return dash < 0
            ? (ulong.Parse(id), 0)
            : (ulong.Parse(id.AsSpan(0, dash)), ulong.Parse(id.AsSpan(dash + 1)));
    }

    private static int Compare((ulong Ms, ulong Seq) a, (ulong Ms, ulong Seq) b) =>
        a.Ms != b.Ms ? a.Ms.CompareTo(b.Ms) : a.Seq.CompareTo(b.Seq);
}
