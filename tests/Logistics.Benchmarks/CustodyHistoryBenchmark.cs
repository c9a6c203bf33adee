using System.Diagnostics;
using Logistics.Custody.V1;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 4: one serial's custody history (the first page, ~10 events) with millions of custody events stored.
/// The ledger is filled straight in Postgres (one INSERT … SELECT per 500,000 rows: recording millions through the
/// service would take hours here), shaped like the real thing: serials of ten events each, their rows interleaved in
/// arrival order so one serial's rows are spread over the heap. Measured three ways at one caller (latency) and at the
/// benchmark's concurrency (under load): the service's statement straight on Postgres (the ceiling), straight to custody's
/// gRPC port, through the gateway.
/// </summary>
public sealed class CustodyHistoryBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    private const int EventsPerSerial = 10;
    private const string Prefix = "BCH-";

    // The history statement of services/Custody/Data/CustodyLedger.cs (first page), for the storage ceiling.
    private const string HistorySql = """
        SELECT e.event_id, e.serial, e.part_number, e.occurred_at, e.business_step, e.from_party, e.from_location, e.to_party, e.to_location,
               e.disposition, e.packaging, e.reference, e.corrects, e.source_event_id, e.sequence,
               coalesce((SELECT c.event_id FROM custody.custody_events c WHERE c.corrects = e.event_id AND c.corrects <> '' ORDER BY c.sequence DESC LIMIT 1), '')
        FROM custody.custody_events e
        WHERE e.serial = $1
        ORDER BY e.occurred_at, e.sequence
        LIMIT $2
        """;

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine($"Benchmark 4: custody history with {options.CustodyEvents:#,0} custody events");
        var serials = options.CustodyEvents / EventsPerSerial;
        await SeedAsync(serials);
        var stored = await bench.ScalarAsync<long>("SELECT count(*) FROM custody.custody_events");

        var auditor = bench.As("bench-auditor", "auditor");
        var viaGateway = new CustodyService.CustodyServiceClient(bench.Gateway);
        var direct = new CustodyService.CustodyServiceClient(bench.Direct("custody"));
        string AnySerial() => Prefix + Random.Shared.Next(serials).ToString("D8");

        async Task SqlAsync()
        {
            await using var cmd = bench.Database.CreateCommand(HistorySql);
            cmd.Parameters.Add(new() { Value = AnySerial() });
            cmd.Parameters.Add(new() { Value = 101 });
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync()) rows++;
            if (rows != EventsPerSerial) throw new InvalidOperationException($"expected {EventsPerSerial} events, read {rows}");
        }

        async Task NoOpAsync()
        {
            try
            {
                await direct.GetCustodyHistoryAsync(new GetCustodyHistoryRequest { Serial = "" }, auditor);
                throw new InvalidOperationException("the no-op call was expected to be refused at validation");
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.InvalidArgument)
            {
            }
        }

        async Task GrpcAsync(CustodyService.CustodyServiceClient client)
        {
            var history = await client.GetCustodyHistoryAsync(new GetCustodyHistoryRequest { Serial = AnySerial() }, auditor);
            if (history.Events.Count != EventsPerSerial) throw new InvalidOperationException($"expected {EventsPerSerial} events, got {history.Events.Count}");
        }

        var results = new List<LoadResult>();
        foreach (var concurrency in new[] { 1, options.Concurrency })
        {
            foreach (var (name, operation) in new (string, Func<Task>)[]
            {
                ("no-op gRPC on custody (refused at validation)", NoOpAsync),
                ("history statement on Postgres", SqlAsync),
                ("direct to custody (gRPC)", () => GrpcAsync(direct)),
                ("through the gateway (gRPC)", () => GrpcAsync(viaGateway)),
            })
            {
                Console.Error.WriteLine($"  {name}, {concurrency} caller(s)");
                results.Add(await Load.RunAsync($"{name}, {concurrency} caller(s)", concurrency, options.WarmUp, options.Duration, operation));
            }
        }

        var (noOp, statement, directAlone, gatewayAlone) = (results[0], results[1], results[2], results[3]);
        return new Markdown("4. Custody history of one serial",
                $"{Markdown.Count(stored)} custody events stored ({Markdown.Count(serials)} serials × {EventsPerSerial}, interleaved); first page of a random serial; " +
                $"{options.Duration.TotalSeconds:0} s per row after {options.WarmUp.TotalSeconds:0} s warm-up.")
            .Table(["scenario", "calls/s", "p50 ms", "p99 ms", "errors"],
                results.Select(r => new[] { r.Scenario, Markdown.Count(r.PerSecond), Markdown.Ms(r.Percentile(0.5)), Markdown.Ms(r.Percentile(0.99)), r.Errors.ToString() }))
            .Table(["measure", "value", "target"],
            [
                ["p99 through the gateway, one caller", Markdown.Ms(gatewayAlone.Percentile(0.99)) + " ms", Markdown.Target("≤ 5 ms at 5 M events", gatewayAlone.Percentile(0.99) <= 5 && stored >= 5_000_000)],
                ["p50 direct − (no-op + statement), one caller: the service's own work", Markdown.Ms(directAlone.Percentile(0.5) - noOp.Percentile(0.5) - statement.Percentile(0.5)) + " ms", ""],
                ["p99 gateway / direct, one caller", Markdown.Ratio(gatewayAlone.Percentile(0.99) / directAlone.Percentile(0.99)), ""],
            ])
            .Done(new { stored, scenarios = results.Select(Report.Figures).ToList() });
    }

    /// <summary>Fills custody_events up to the requested size (a rerun on the same stack adds nothing), then analyses it.</summary>
    private async Task SeedAsync(int serials)
    {
        var total = (long)serials * EventsPerSerial;
        var have = await bench.ScalarAsync<long>($"SELECT count(*) FROM custody.custody_events WHERE serial LIKE '{Prefix}%'");
        const long Chunk = 500_000;
        var clock = Stopwatch.StartNew();
        // Row g is event g / serials of serial g % serials: each serial's ten rows lie `serials` rows apart.
        for (var from = have; from < total; from += Chunk)
        {
            var to = Math.Min(total, from + Chunk) - 1;
            await bench.ExecuteAsync($"""
                INSERT INTO custody.custody_events (serial, sequence, event_id, part_number, occurred_at, business_step, from_party, from_location,
                                                    to_party, to_location, disposition, packaging, reference, corrects, source_event_id)
                SELECT '{Prefix}' || lpad((g % {serials})::text, 8, '0'), g / {serials}, 'bench-' || g, 'BENCH-PART',
                       timestamptz '2026-01-01' + (g / {serials}) * interval '1 day' + (g % {serials}) * interval '1 ms',
                       (ARRAY['receiving','shipping','receiving','installing','removing'])[1 + (g / {serials}) % 5],
                       'centre:BENCH-C', 'centre:BENCH-C/bin:A-01', 'engineer:bench-eng', 'site:BENCH-SITE', 'available', 'esd-bag-sealed',
                       'REQ-' || (g % {serials}), '', 'bench-source-' || g
                FROM generate_series({from}::bigint, {to}::bigint) g
                """);
            Console.Error.WriteLine($"  seeded {to + 1:#,0} of {total:#,0} custody events ({clock.Elapsed.TotalSeconds:0} s)");
        }
        // As a table long in service would be: vacuumed and analysed, so autovacuum does not run during the measurement.
        await bench.ExecuteAsync("VACUUM (ANALYZE) custody.custody_events");
    }
}
