using System.Diagnostics;
using System.Globalization;
using System.Text;
using Logistics.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// CSV exports of the console's lists: a page's Export link downloads what the page's filters show (a Playwright
/// download), and 100,000 rows stream through the console without the console holding them (its memory stays flat).
/// </summary>
/// <remarks>
/// The rows are anomalies written straight into the custody service's table. Custody records an anomaly only when its
/// own checks find one in a custody event, so 100,000 of them through the API would take 100,000 handovers (hours on
/// this machine); the export under test still reads them the way a user's does, through the console, the gateway and
/// the custody service's paged list call. Rows written this way go through no outbox, so no event tells anything else
/// about them.
/// </remarks>
[Collection(BrowserCollection.Name)]
public sealed class CsvExportTests(BrowserStack browser)
{
    private const string Detail = "外箱破损 outer box crushed; ESD bag not sealed, found at the dock by the night shift before put-away";

    // The 100,000 rows are long (about 800 bytes each, an 80 MB file), so that what holding them would take stands well
    // clear of the garbage collector's own headroom: their details alone would be 120 MB as .NET strings.
    private static readonly string LongDetail = string.Join(" / ", Enumerable.Repeat(Detail, 6));

    /// <summary>Writes <paramref name="count"/> anomalies of one serial (numbered 1..count, newest last) into custody's table.</summary>
    private async Task SeedAsync(string serial, int count, string kind = "packaging-non-compliant", string detail = Detail, int from = 1)
    {
        await using var cmd = browser.Stack.Database.CreateCommand(
            """
            INSERT INTO custody.anomalies (anomaly_id, kind, serial, detail, reference, event_id, detected_at)
            SELECT 'AN-' || $1 || '-' || i, $2, $1, $3 || ' (row ' || i || ')', 'return:RT-' || $1 || '-' || i, 'ev-' || $1 || '-' || i,
                   timestamptz '2026-11-01 00:00:00+00' + make_interval(secs => i)
            FROM generate_series($4::int, $5::int) AS i
            """);
        cmd.Parameters.Add(new() { Value = serial });
        cmd.Parameters.Add(new() { Value = kind });
        cmd.Parameters.Add(new() { Value = detail });
        cmd.Parameters.Add(new() { Value = from });
        cmd.Parameters.Add(new() { Value = from + count - 1 });
        cmd.CommandTimeout = 120;
        Assert.Equal(count, await cmd.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task The_export_link_downloads_the_list_with_the_filters_the_page_applied()
    {
        var serial = "CSVF-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await SeedAsync(serial, 3);
        await SeedAsync(serial, 2, "serial-in-two-places", "=HYPERLINK(\"http://evil.example\",\"click\") 在两个地方", from: 4);

        var auditor = await browser.SignInAsync($"aud-{serial}", "auditor");
        // The serial's anomalies (the link from a serial's page: open and resolved), then one kind of them.
        await auditor.GotoAsync($"/anomalies?serial={serial}");
        await Expect(auditor.Locator($"#anomalies tr[data-serial='{serial}']")).ToHaveCountAsync(5);
        await auditor.Locator(".mud-select").Filter(new() { Has = auditor.Locator("#filter-kind") }).First.ClickAsync();
        await auditor.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "serial in two places" }).First.ClickAsync();
        await Expect(auditor.Locator("#filter-kind")).ToHaveValueAsync("serial in two places");
        await auditor.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(auditor.Locator($"#anomalies tr[data-serial='{serial}']")).ToHaveCountAsync(2);
        var link = auditor.GetByRole(AriaRole.Link, new() { Name = "Export CSV" });
        await Expect(link).ToHaveAttributeAsync("href", $"/export/anomalies.csv?kind=serial-in-two-places&serial={serial}");
        await BrowserStack.ScreenshotAsync(auditor, "auditor-anomalies-export-desktop");

        var download = await auditor.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal($"anomalies-{DateTime.UtcNow:yyyy-MM-dd}.csv", download.SuggestedFilename);
        var path = Path.Combine(BrowserStack.ScreenshotsDir, "anomalies-export.csv");
        await download.SaveAsAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // Excel reads the Chinese as UTF-8
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal(
        [
            "anomaly_id,detected_at,kind,serial,detail,reference,state,resolved_by,resolved_at,resolution_note,event_id",
            // Newest first, as the page; a detail that a spreadsheet would run as a formula starts with an apostrophe.
            $"AN-{serial}-5,2026-11-01T00:00:05Z,serial-in-two-places,{serial},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\") 在两个地方 (row 5)\",return:RT-{serial}-5,open,,,,ev-{serial}-5",
            $"AN-{serial}-4,2026-11-01T00:00:04Z,serial-in-two-places,{serial},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\") 在两个地方 (row 4)\",return:RT-{serial}-4,open,,,,ev-{serial}-4",
            "",
        ], lines);

        // The same list filtered by a kind the custody service does not know: its refusal, not a file.
        var refused = await auditor.Context.APIRequest.GetAsync($"/export/anomalies.csv?kind=made-up&serial={serial}");
        Assert.Equal(400, refused.Status);
        Assert.Contains("kind", await refused.TextAsync());
        // An engineer may not read anomalies: the service's 403 is the export's 403.
        var engineer = await browser.SignInAsync($"eng-{serial}", "engineer");
        var forbidden = await engineer.Context.APIRequest.GetAsync($"/export/anomalies.csv?serial={serial}");
        Assert.Equal(403, forbidden.Status);
    }

    [Fact]
    public async Task A_hundred_thousand_rows_stream_through_the_console_while_its_memory_stays_flat()
    {
        const int rows = 100_000;
        var id = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var (big, small) = ("CSVB-" + id, "CSVS-" + id);
        var seeding = Stopwatch.StartNew();
        await SeedAsync(big, rows, detail: LongDetail);
        await SeedAsync(small, 1_000);
        Console.WriteLine($"seeded {rows + 1_000} anomalies in {seeding.Elapsed.TotalSeconds:F1} s");

        var auditor = await browser.SignInAsync($"aud-{id}", "auditor");
        await Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = "Anomalies" })).ToBeVisibleAsync();
        var cookies = string.Join("; ", (await auditor.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        using var http = new HttpClient { BaseAddress = new Uri(browser.Console), Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Add("Cookie", cookies);
        var console = browser.Stack.Stack.Processes["web"].Pid;

        // A small export first: the export's code is loaded and warm, so what follows measures the rows alone.
        var warm = await DownloadAsync(http, console, small, checkRow: null);
        Assert.Equal(1_000, warm.Rows);

        var started = Stopwatch.StartNew();
        var all = await DownloadAsync(http, console, big, checkRow: (n, line) =>
        {
            // Newest first: data row n is anomaly rows - n + 1. A few rows checked in full.
            if (n is 1 or 2 or 50_000 or rows)
            {
                var i = rows - n + 1;
                Assert.Equal($"AN-{big}-{i},{new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i):yyyy-MM-dd'T'HH:mm:ss'Z'}," +
                    $"packaging-non-compliant,{big},\"{LongDetail} (row {i})\",return:RT-{big}-{i},open,,,,ev-{big}-{i}", line);
            }
        }, mark: rows / 4);
        Console.WriteLine($"100,000 rows, {all.Bytes / 1e6:F1} MB in {started.Elapsed.TotalSeconds:F1} s; console RSS {all.Before / 1e6:F1} MB before, " +
            $"peak {all.Peak / 1e6:F1} MB (+{all.Growth / 1e6:F1} MB; {all.PeakAtMark / 1e6:F1} MB after 25,000 rows; +{warm.Growth / 1e6:F1} MB for 1,000 rows)");
        Assert.Equal(rows, all.Rows);
        // Flat. The server garbage collector takes its headroom in the first rows (tens of MB on this machine); after
        // that, the last three quarters of the rows (60 MB) raise the peak by less than half of what they carried,
        // where holding them would take more than one and a half times it (their details alone, as UTF-16 strings).
        // And the whole peak stays under what holding the rows would take.
        var late = all.Peak - all.PeakAtMark;
        Assert.True(late < (all.Bytes - all.BytesAtMark) / 2,
            $"the console's peak memory grew by {late / 1e6:F1} MB while sending the last {(all.Bytes - all.BytesAtMark) / 1e6:F1} MB");
        Assert.True(all.Growth < all.Bytes * 3 / 2,
            $"the console's peak memory grew by {all.Growth / 1e6:F1} MB while sending {all.Bytes / 1e6:F1} MB");

        // A browser that goes away mid-download stops the reading at once: the console logs how far it got.
        var log = browser.Stack.Stack.Processes["web"];
        using (var response = await http.GetAsync($"/export/anomalies.csv?serial={big}", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            var read = 0;
            while (read < buffer.Length) read += await body.ReadAsync(buffer.AsMemory(read));
        }
        var stopped = await Eventually.Until(() => Task.FromResult(log.ReadLog()),
            text => text.Contains($"CSV export anomalies stopped after", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the export stopped");
        var line = stopped.Split('\n').Last(l => l.Contains("CSV export anomalies stopped after", StringComparison.Ordinal));
        var sent = long.Parse(line.Split("stopped after ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(sent < rows, line);
    }

    private sealed record Download(long Rows, long Bytes, long Before, long Peak, long PeakAtMark, long BytesAtMark)
    {
        public long Growth => Math.Max(0, Peak - Before);
    }

    /// <summary>Downloads a serial's anomalies as CSV line by line, sampling the console's resident memory meanwhile.</summary>
    private static async Task<Download> DownloadAsync(HttpClient http, int console, string serial, Action<long, string>? checkRow, long mark = 0)
    {
        var before = Memory(console, "VmRSS");
        ResetPeak(console);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Memory(console, "VmRSS"));
                try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        using var response = await http.GetAsync($"/export/anomalies.csv?serial={serial}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var counting = new CountingStream(body);
        using var reader = new StreamReader(counting, Encoding.UTF8);
        Assert.Equal("anomaly_id,detected_at,kind,serial,detail,reference,state,resolved_by,resolved_at,resolution_note,event_id", await reader.ReadLineAsync());
        long n = 0, peakAtMark = 0, bytesAtMark = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            n++;
            checkRow?.Invoke(n, line);
            if (n == mark) (peakAtMark, bytesAtMark) = (Math.Max(peak, Memory(console, "VmHWM")), counting.Bytes);
        }
        await sampling.CancelAsync();
        await sampler;
        peak = Math.Max(peak, Memory(console, "VmHWM"));
        return new Download(n, counting.Bytes, before, peak, peakAtMark, bytesAtMark);
    }

    /// <summary>A line of /proc/PID/status, in bytes.</summary>
    private static long Memory(int pid, string field)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Resets the process's peak resident size (VmHWM) to its current size ("5" to clear_refs, Linux 4.0+).</summary>
    private static void ResetPeak(int pid)
    {
        try { File.WriteAllText($"/proc/{pid}/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // then the samples alone tell the peak
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Bytes { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            Bytes += read;
            return read;
        }
    }
}
