using System.Diagnostics;
using Logistics.Inventory.Domain.Counts;
using Xunit.Abstractions;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>A count of 100,000 lines is submitted in batches of 1,000 and closed without anything quadratic.</summary>
public sealed class StockCountScaleTests(ITestOutputHelper output)
{
    private const int Bins = 1_000;
    private const int PartsPerBin = 100;

    [Fact]
    public void A_count_of_100_000_lines_in_batches_of_1_000_closes_and_approves_quickly()
    {
        var bins = Enumerable.Range(0, Bins).Select(b => $"B-{b:0000}").ToArray();
        var snapshot = new List<ExpectedLine>(Bins * PartsPerBin);
        foreach (var bin in bins)
            for (var p = 0; p < PartsPerBin; p++)
                snapshot.Add(Serial(bin, $"P-{p:000}", $"{bin}-{p:000}-A", $"{bin}-{p:000}-B"));
        var count = Open(Kit.Bins(bins));
        var clock = Stopwatch.StartNew();

        count.Start(snapshot, T0);
        var started = clock.Elapsed;
        for (var batch = 0; batch < snapshot.Count / 1_000; batch++)
        {
            var lines = snapshot.Skip(batch * 1_000).Take(1_000)
                .Select(e => new LineCount(e.Bin, e.PartNumber, e.ExpectedQuantity, e.ExpectedSerials.Cast<string?>().ToList()))
                .ToList();
            if (batch == 7) lines[0] = Seen(lines[0].Bin!, lines[0].PartNumber!, lines[0].SerialsSeen![0]!); // one serial missing
            count.SubmitLines(lines, $"counter-{batch % 4}", T0.AddMinutes(batch));
        }
        var submitted = clock.Elapsed;
        var closed = count.Close(T0.AddHours(1));
        var closedAt = clock.Elapsed;
        var sheet = count.Sheet(Warehouse("counter-0"));
        count.SubmitLines([Seen(snapshot[7_000].Bin, snapshot[7_000].PartNumber, snapshot[7_000].ExpectedSerials[0])], "recounter", T0.AddHours(2));
        var reviewed = count.Close(T0.AddHours(3));
        var adjustments = count.Approve("sup-1", null, T0.AddHours(4));
        clock.Stop();
        output.WriteLine($"start {started.TotalMilliseconds:0} ms, 100 batches {(submitted - started).TotalMilliseconds:0} ms, " +
                         $"close {(closedAt - submitted).TotalMilliseconds:0} ms, total {clock.Elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(100_000, count.NumberOfLines);
        Assert.Equal(100_000, sheet.Lines.Count);
        Assert.Equal(Key(snapshot[7_000].Bin, snapshot[7_000].PartNumber), Assert.Single(closed.LinesToRecount).Line);
        Assert.Equal(CountState.ReadyToReview, reviewed.State);
        Assert.Equal(-1, Assert.Single(adjustments).Delta);
        // Typically about a second alone; a 2-core machine under other builds has taken 11 s. The bound only catches
        // something quadratic (10^10 steps at 100,000 lines: many minutes); speed itself is benchmark 5's job.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"a 100,000-line count took {clock.Elapsed}");
    }
}
