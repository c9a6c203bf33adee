using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;

namespace Logistics.Web.Export;

/// <summary>One column of an export: its stable key (the header cell) and its value in a row.</summary>
public sealed record CsvColumn<T>(string Key, Func<T, object?> Value);

/// <summary>
/// CSV as RFC 4180 writes it (comma, CRLF, a cell quoted when it holds a comma, a quote, CR or LF; quotes doubled), in
/// UTF-8 with a byte order mark so that Excel reads Chinese text as UTF-8. Text that a spreadsheet would run as a
/// formula (it starts with <c>= + - @</c>, a tab or CR) gets a leading apostrophe and is quoted. Numbers, booleans and
/// times are written by the export itself, so they are never changed: a ledger's <c>-2</c> stays a number.
/// </summary>
public static class Csv
{
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];
    private static readonly char[] NeedQuotes = [',', '"', '\r', '\n'];

    /// <summary>A cell as written: text escaped, numbers invariant, times in UTC as ISO 8601, lists joined by spaces.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        string s => Text(s),
        bool b => b ? "true" : "false",
        int or long or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Timestamp t => Time(t.ToDateTimeOffset()),
        DateTimeOffset d => Time(d),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IEnumerable<string> list => Text(string.Join(' ', list)),
        double or float => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>A text cell: defended against formula injection, then quoted if RFC 4180 needs it.</summary>
    public static string Text(string text)
    {
        var formula = text.Length > 0 && Array.IndexOf(FormulaStarts, text[0]) >= 0;
        if (formula) text = "'" + text;
        return formula || text.IndexOfAny(NeedQuotes) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Appends one record (cells already written by <see cref="Cell"/>) and its CRLF.</summary>
    public static void AppendRecord(StringBuilder to, IEnumerable<string> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first) to.Append(',');
            to.Append(cell);
            first = false;
        }
        to.Append("\r\n");
    }

    /// <summary>
    /// Writes the BOM, the header (the columns' keys) and the rows, page by page, flushing after the header and after
    /// each page: only one page is ever held. Returns the number of rows written.
    /// </summary>
    public static async Task<long> WriteAsync<T>(Stream body, IReadOnlyList<CsvColumn<T>> columns, IAsyncEnumerable<IReadOnlyList<T>> pages,
        CancellationToken ct)
    {
        await body.WriteAsync(Utf8WithBom.GetPreamble(), ct);
        // A row at a time through a small buffer (nothing the size of a page is allocated, so nothing lands on the large
        // object heap, which is only collected with the oldest generation); the encoder keeps a character made of two
        // UTF-16 units whole across writes. Not disposed: it owns nothing (the response owns the body).
        var writer = new StreamWriter(body, Utf8, bufferSize: 8 * 1024, leaveOpen: true);
        var record = new StringBuilder();
        AppendRecord(record, columns.Select(c => Text(c.Key)));
        await writer.WriteAsync(record, ct);
        await writer.FlushAsync(ct);
        long rows = 0;
        await foreach (var page in pages.WithCancellation(ct))
        {
            foreach (var row in page)
            {
                record.Clear();
                AppendRecord(record, columns.Select(c => Cell(c.Value(row))));
                await writer.WriteAsync(record, ct);
            }
            await writer.FlushAsync(ct);
            rows += page.Count;
        }
        return rows;
    }

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
