using System.Diagnostics;
using Logistics.Inventory.V1;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 5: a stock count from open to completed, at 1,000 lines (the baseline) and at the requested size
/// (100,000 by default), through the gateway's gRPC port. A line is a (bin, serialized part) holding one serial:
/// 100 parts over as many bins as needed. The stock is imported the way an existing warehouse's stock would be: its
/// goods-in movements written to the ledger (one real goods-in through the API is the template), then inventory's
/// rebuild puts them in Redis (reconcile must then find no difference). Every line is counted right, so closing goes
/// straight to review and approval posts nothing; the times are the calls' times as the caller sees them.
/// </summary>
public sealed class CountCloseBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    public const string Centre = "BENCH-K1";
    private const int Parts = 100, BaselineLines = 1_000, LinesPerBatch = 1_000;

    private static string Part(int p) => $"BENCH-K-P{p:D2}";
    private static string Bin(int b) => $"B{b:D4}";
    private static string Serial(int b, int p) => $"K-{Bin(b)}-{p:D2}";

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine($"Benchmark 5: closing a {options.CountLines:#,0}-line stock count");
        var bins = (options.CountLines + Parts - 1) / Parts;
        await ImportStockAsync(bins);

        var rounds = new List<CountRound>();
        foreach (var lineBins in new[] { BaselineLines / Parts, bins })
        {
            Console.Error.WriteLine($"  a count of {lineBins * Parts:#,0} lines");
            rounds.Add(await CountAsync(lineBins));
        }

        var big = rounds[^1];
        return new Markdown("5. Closing a stock count",
                $"A blind count over bins of one centre, every line a (bin, serialized part) with one serial, all counted right; " +
                $"lines submitted in batches of {LinesPerBatch:#,0}; seconds as the caller sees them through the gateway.")
            .Table(["lines", "open s", "submit all s", "close s", "approve s", "close + approve s"],
                rounds.Select(r => new[] { Markdown.Count(r.Lines), S(r.OpenS), S(r.SubmitS), S(r.CloseS), S(r.ApproveS), S(r.CloseS + r.ApproveS) }))
            .Table(["measure", "value", "target"],
            [
                [$"close + approve, {Markdown.Count(big.Lines)} lines", S(big.CloseS + big.ApproveS) + " s", Markdown.Target("≤ 10 s at 100,000 lines", big.CloseS + big.ApproveS <= 10 && big.Lines >= 100_000)],
                ["close + approve per line, big / baseline", Markdown.Ratio((big.CloseS + big.ApproveS) / big.Lines / ((rounds[0].CloseS + rounds[0].ApproveS) / rounds[0].Lines)), "(1.00 = linear)"],
            ])
            .Done(rounds);
    }

    private static string S(double seconds) => seconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public sealed record CountRound(int Lines, double OpenS, double SubmitS, double CloseS, double ApproveS);

    private async Task<CountRound> CountAsync(int binCount)
    {
        var counter = bench.As("bench-counter", "warehouse");
        var approver = bench.As("bench-approver", "supervisor");
        var counts = new StockCountService.StockCountServiceClient(bench.Gateway);
        var clock = Stopwatch.StartNew();

        var count = await counts.OpenCountAsync(new OpenCountRequest { CentreId = Centre, Bins = { Enumerable.Range(0, binCount).Select(Bin) } }, counter);
        var open = clock.Elapsed.TotalSeconds;
        if (count.LineCount != binCount * Parts) throw new InvalidOperationException($"the count has {count.LineCount} lines, expected {binCount * Parts}");

        clock.Restart();
        var lines = Enumerable.Range(0, binCount).SelectMany(b => Enumerable.Range(0, Parts).Select(p => new LineCount
        {
            Bin = Bin(b), PartNumber = Part(p), CountedQuantity = 1, SerialsSeen = { Serial(b, p) },
        }));
        foreach (var batch in lines.Chunk(LinesPerBatch))
            await counts.SubmitLinesAsync(new SubmitLinesRequest { CountId = count.CountId, Lines = { batch } }, counter);
        var submit = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var closed = await counts.CloseCountAsync(new CloseCountRequest { CountId = count.CountId }, counter);
        var close = clock.Elapsed.TotalSeconds;
        if (closed.State != "ReadyToReview") throw new InvalidOperationException($"the closed count is {closed.State}, not ReadyToReview");

        clock.Restart();
        var approved = await counts.ApproveCountAsync(new ApproveCountRequest { CountId = count.CountId }, approver);
        var approve = clock.Elapsed.TotalSeconds;
        if (approved.Count.State != "Completed" || approved.Adjustments.Count != 0)
            throw new InvalidOperationException($"the approved count is {approved.Count.State} with {approved.Adjustments.Count} adjustments");
        return new CountRound(binCount * Parts, open, submit, close, approve);
    }

    /// <summary>
    /// The centre's bins and parts through the API, one real goods-in, the rest of the goods-in movements written to the
    /// ledger from that one (new movement id, part, bin, serial), then a rebuild from the ledger into Redis.
    /// </summary>
    private async Task ImportStockAsync(int bins)
    {
        var clock = Stopwatch.StartNew();
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/centres/{Centre}", "bench-admin", "admin",
            new { name = "Benchmark count centre", bins = Enumerable.Range(0, bins).Select(Bin).ToArray() });
        for (var p = 0; p < Parts; p++)
            await bench.SendAsync(HttpMethod.Put, $"/api/v1/parts/{Part(p)}", "bench-admin", "admin", new { description = "Counted board", serialized = true });
        await bench.SendAsync(HttpMethod.Post, $"/api/v1/centres/{Centre}/goods-in", "bench-warehouse", "warehouse",
            new { partNumber = Part(0), bin = Bin(0), serials = new[] { Serial(0, 0) }, reference = "IMPORT" });
        await bench.SettleAsync("the template goods-in");

        await bench.ExecuteAsync($"""
            INSERT INTO inventory.movements (movement_id, centre_id, part_number, kind, bin, serials, quantity, d_on_hand, d_reserved, d_in_transit,
                                             d_faulty, d_quarantined, reference, reservation_id, reason_code, occurred_at, document, stream_id)
            SELECT m.id, t.centre_id, m.part, t.kind, m.bin, ARRAY[m.serial], t.quantity, t.d_on_hand, t.d_reserved, t.d_in_transit,
                   t.d_faulty, t.d_quarantined, t.reference, t.reservation_id, t.reason_code, t.occurred_at,
                   jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(t.document,
                       ARRAY['movementId'], to_jsonb(m.id::text)), ARRAY['partNumber'], to_jsonb(m.part)), ARRAY['bin'], to_jsonb(m.bin)),
                       ARRAY['serials'], jsonb_build_array(m.serial)),
                       ARRAY['serialMoves','0'], (t.document -> 'serialMoves' -> 0) || jsonb_build_object('serial', m.serial, 'bin', m.bin)),
                   'import'
            FROM (SELECT * FROM inventory.movements WHERE centre_id = '{Centre}' AND kind = 'goods-in' ORDER BY sequence LIMIT 1) t,
                 (SELECT gen_random_uuid() AS id, 'BENCH-K-P' || lpad((g % {Parts})::text, 2, '0') AS part, 'B' || lpad((g / {Parts})::text, 4, '0') AS bin,
                         'K-B' || lpad((g / {Parts})::text, 4, '0') || '-' || lpad((g % {Parts})::text, 2, '0') AS serial
                  FROM generate_series(1, {bins * Parts - 1}) g) m
            """);
        var reconcile = await bench.Rest.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/centres/{Centre}:rebuild")
        {
            Headers = { Authorization = new("Bearer", bench.Token("bench-admin", "admin")) },
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        });
        var answer = await reconcile.Content.ReadAsStringAsync();
        if (!reconcile.IsSuccessStatusCode || answer.Contains("\"differences\":[{", StringComparison.Ordinal))
            throw new InvalidOperationException($"rebuilding {Centre} from the imported ledger: {(int)reconcile.StatusCode} {answer}");
        Console.Error.WriteLine($"  imported {bins * Parts:#,0} serials into {bins:#,0} bins in {clock.Elapsed.TotalSeconds:0} s");
    }
}
