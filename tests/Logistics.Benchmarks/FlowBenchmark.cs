using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Logistics.Receipts.V1;
using Logistics.Requests.V1;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 2: the whole request → reserved → ship → sign → install flow through the gateway's gRPC port, each flow
/// by a new engineer (the open-request quota stays out of it), from the submit to the accepted installation. The flow
/// waits on events between its calls (the reservation, the shipment reaching receipts, the delivery reaching requests):
/// beside the flow's time stands the time its four calls took (the flow if events were instant), and the event lag
/// measured inside the system in the same window (outbox write → subscriber's inbox, <see cref="EventLag"/>).
/// </summary>
public sealed class FlowBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    public const string Centre = "BENCH-F1", Part = "BENCH-BOARD";
    // Waits poll from 5 ms, doubling up to 100 ms: quick when events are quick, without flooding the stack when not.
    private static TimeSpan Poll(int attempt) => TimeSpan.FromMilliseconds(Math.Min(100, 5 << Math.Min(attempt, 5)));

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine("Benchmark 2: request → ship → sign → install flows");
        var serials = await StockAsync(units: 20_000);
        var warehouse = bench.As("bench-warehouse", "warehouse");
        var requests = new PartRequestsService.PartRequestsServiceClient(bench.Gateway);
        var receipts = new ReceiptsService.ReceiptsServiceClient(bench.Gateway);
        var callMs = new ConcurrentQueue<double>();
        var stepMs = new ConcurrentDictionary<string, ConcurrentQueue<double>>();

        async Task FlowAsync()
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            var engineer = bench.As("bench-eng-" + id, "engineer");
            double calls = 0;
            var stepStart = Stopwatch.GetTimestamp();
            async Task<T> CallAsync<T>(string step, Func<Task<T>> call)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await call();
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                calls += ms;
                stepMs.GetOrAdd(step + " (call)", _ => []).Enqueue(ms);
                return result;
            }
            void Reached(string step)
            {
                stepMs.GetOrAdd(step, _ => []).Enqueue(Stopwatch.GetElapsedTime(stepStart).TotalMilliseconds);
                stepStart = Stopwatch.GetTimestamp();
            }

            var request = await CallAsync("submit", async () => await requests.RequestPartsAsync(new RequestPartsRequest
            {
                TicketId = "TCK-" + id, SiteId = "SITE-" + id, CentreId = Centre, PartNumber = Part, Quantity = 1, ServiceLevel = "7x24x4",
            }, engineer));
            stepStart = Stopwatch.GetTimestamp();
            await StateAsync(requests, request.RequestId, "Reserved", engineer);
            Reached("submitted → Reserved (event)");
            if (!serials.TryDequeue(out var serial)) throw new InvalidOperationException("the benchmark ran out of serials in stock");
            await CallAsync("ship", async () => await requests.ShipPartRequestAsync(new ShipPartRequestRequest
            {
                RequestId = request.RequestId, Serials = { serial }, Carrier = "SF Express", TrackingNo = "TRK-" + id,
                Packaging = new EsdPackaging { EsdBagSealed = true, SealedWith = "tape", EsdSymbol = true, PackageId = "PKG-" + id },
            }, warehouse));
            stepStart = Stopwatch.GetTimestamp();
            // Receipts learns of the shipment from its event: until then the signature is refused as unexpected.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await CallAsync("sign", async () => await receipts.SignReceiptAsync(new SignReceiptRequest
                    {
                        Kind = "centre-to-engineer", Reference = request.RequestId, Serials = { serial }, Quantity = 1, Condition = "ok",
                        Packaging = new PackagingCheck { OuterIntact = true, EsdBagSealed = true },
                    }, engineer));
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
                {
                    await Task.Delay(Poll(attempt));
                }
            }
            Reached("shipped → signed (event to receipts)");
            await StateAsync(requests, request.RequestId, "Delivered", engineer);
            Reached("signed → Delivered (event)");
            await CallAsync("install", async () => await requests.InstallPartAsync(new InstallPartRequest
            {
                RequestId = request.RequestId, InstalledSerial = serial, RemovedSerial = "FLT-" + id, EquipmentId = "EQ-" + id,
            }, engineer));

            callMs.Enqueue(calls);
        }

        // A light load (one flow per core) for the latency, then the requested concurrency for the throughput.
        var rounds = new List<(LoadResult Flows, double CallsP50, EventLag Lag)>();
        foreach (var concurrency in new[] { Environment.ProcessorCount, options.FlowConcurrency }.Distinct())
        {
            callMs.Clear();
            stepMs.Clear();
            Console.Error.WriteLine($"  {options.WarmUp.TotalSeconds:0} s warm-up, {options.Duration.TotalSeconds:0} s at {concurrency} concurrent flows");
            var flows = await Load.RunAsync($"{concurrency} concurrent flows", concurrency, options.WarmUp, options.Duration, FlowAsync);
            var end = await EventLag.DatabaseNowAsync(bench);
            await bench.SettleAsync($"{concurrency} concurrent flows");
            rounds.Add((flows, Percentiles.Of(callMs, 0.5), await EventLag.InsideAsync(bench, end - options.Duration, end)));
        }

        var idle = await IdleReservationsAsync(requests);

        var (busiest, _, lag) = rounds[^1];
        return new Markdown("2. Full flow: request → ship → sign → install",
                $"Flows through the gateway's gRPC port, {options.Duration.TotalSeconds:0} s after {options.WarmUp.TotalSeconds:0} s warm-up at each concurrency; " +
                "each flow by a new engineer; waits poll from 5 ms, doubling up to 100 ms. Baseline: the flow's four calls alone (the flow if events were instant).")
            .Table(["concurrent flows", "flows/s", "flow p50 ms", "flow p99 ms", "its four calls p50 ms", "flow / calls (p50)", "event lag p50 / p99 ms", "errors"],
                rounds.Select(r => new[]
                {
                    r.Flows.Concurrency.ToString(), Markdown.Ratio(r.Flows.PerSecond), Markdown.Ms(r.Flows.Percentile(0.5)), Markdown.Ms(r.Flows.Percentile(0.99)),
                    Markdown.Ms(r.CallsP50), Markdown.Ratio(r.Flows.Percentile(0.5) / r.CallsP50), $"{Markdown.Ms(r.Lag.P50Ms)} / {Markdown.Ms(r.Lag.P99Ms)}",
                    r.Flows.Errors.ToString(),
                }))
            .Table([$"idle: one request at a time, {IdlePause.TotalMilliseconds:0} ms apart ({idle.Submit.Count} requests)", "p50 ms", "p99 ms"],
                [
                    ["submit (call)", Markdown.Ms(Percentiles.Of(idle.Submit, 0.5)), Markdown.Ms(Percentiles.Of(idle.Submit, 0.99))],
                    ["submitted → Reserved (event)", Markdown.Ms(Percentiles.Of(idle.Reserved, 0.5)), Markdown.Ms(Percentiles.Of(idle.Reserved, 0.99))],
                    ["submit → Reserved, the engineer's whole wait", Markdown.Ms(Percentiles.Of(idle.Whole, 0.5)), Markdown.Ms(Percentiles.Of(idle.Whole, 0.99))],
                ])
            .Table([$"step at {busiest.Concurrency} flows (warm-up included)", "p50 ms", "p99 ms"],
                stepMs.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new[] { s.Key, Markdown.Ms(Percentiles.Of(s.Value, 0.5)), Markdown.Ms(Percentiles.Of(s.Value, 0.99)) }))
            .Table([$"event hop at {busiest.Concurrency} flows (topic → subscriber)", "events", "p50 ms", "p99 ms", "of which before the relay took it, p50 ms"],
                lag.Hops.Select(h => new[] { $"{h.Topic} → {h.Subscriber}", Markdown.Count(h.Events), Markdown.Ms(h.P50Ms), Markdown.Ms(h.P99Ms), Markdown.Ms(h.RelayP50Ms) }))
            .Done(new
            {
                rounds = rounds.Select(r => new { flows = Report.Figures(r.Flows), callsP50Ms = r.CallsP50, eventLag = r.Lag }).ToList(),
                idle = new
                {
                    submitP50Ms = Percentiles.Of(idle.Submit, 0.5), reservedP50Ms = Percentiles.Of(idle.Reserved, 0.5),
                    wholeP50Ms = Percentiles.Of(idle.Whole, 0.5), wholeP99Ms = Percentiles.Of(idle.Whole, 0.99),
                },
                steps = stepMs.ToDictionary(s => s.Key, s => new { p50Ms = Percentiles.Of(s.Value, 0.5), p99Ms = Percentiles.Of(s.Value, 0.99) }),
            });
    }

    private const int IdleRequests = 40;
    private static readonly TimeSpan IdlePause = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// The wait of an engineer on a quiet stack (after the loaded rounds, so the code is warm): one request at a time, a
    /// pause between them so the previous one's events are done, the state read every 2 ms (cheap with one caller; the
    /// loaded rounds' doubling polls would round the wait up to their steps).
    /// </summary>
    private async Task<(List<double> Submit, List<double> Reserved, List<double> Whole)> IdleReservationsAsync(
        PartRequestsService.PartRequestsServiceClient requests)
    {
        Console.Error.WriteLine($"  idle: {IdleRequests} requests one at a time, {IdlePause.TotalMilliseconds:0} ms apart");
        var (submit, reserved, whole) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < IdleRequests; i++)
        {
            await Task.Delay(IdlePause);
            var id = Guid.NewGuid().ToString("N")[..12];
            var engineer = bench.As("bench-eng-" + id, "engineer");
            var start = Stopwatch.GetTimestamp();
            var request = await requests.RequestPartsAsync(new RequestPartsRequest
            {
                TicketId = "TCK-" + id, SiteId = "SITE-" + id, CentreId = Centre, PartNumber = Part, Quantity = 1, ServiceLevel = "7x24x4",
            }, engineer);
            var submitted = Stopwatch.GetTimestamp();
            await StateAsync(requests, request.RequestId, "Reserved", engineer, _ => TimeSpan.FromMilliseconds(2));
            submit.Add(Stopwatch.GetElapsedTime(start, submitted).TotalMilliseconds);
            reserved.Add(Stopwatch.GetElapsedTime(submitted).TotalMilliseconds);
            whole.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        await bench.SettleAsync("the idle requests");
        return (submit, reserved, whole);
    }

    /// <summary>A centre with a serialized part in stock, known to the requests service (catalogue, centre and shelf).</summary>
    private async Task<ConcurrentQueue<string>> StockAsync(int units)
    {
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/centres/{Centre}", "bench-admin", "admin", new { name = "Benchmark flow centre", bins = new[] { "A-01" } });
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/parts/{Part}", "bench-admin", "admin", new { description = "Main control board", serialized = true });
        var serials = Enumerable.Range(1, units).Select(n => $"BF-{n:D6}").ToList();
        foreach (var chunk in serials.Chunk(1000))
            await bench.SendAsync(HttpMethod.Post, $"/api/v1/centres/{Centre}/goods-in", "bench-warehouse", "warehouse",
                new { partNumber = Part, bin = "A-01", serials = chunk, reference = "PO-BENCH" });
        await bench.SettleAsync("stocking the flow centre");
        var onShelf = await bench.ScalarAsync<long>("SELECT count(*) FROM requests.shelf_serials WHERE centre_id = $1 AND on_hand", Centre);
        if (onShelf != units) throw new InvalidOperationException($"requests sees {onShelf} of {units} serials on the shelf of {Centre}");
        return new ConcurrentQueue<string>(serials);
    }

    private static async Task StateAsync(PartRequestsService.PartRequestsServiceClient requests, string requestId, string state, Metadata engineer,
        Func<int, TimeSpan>? poll = null)
    {
        poll ??= Poll;
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        for (var attempt = 0; ; attempt++)
        {
            var request = await requests.GetPartRequestAsync(new GetPartRequestRequest { RequestId = requestId }, engineer);
            if (request.State == state) return;
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"request {requestId} still {request.State}, not {state}, after 30 s");
            await Task.Delay(poll(attempt));
        }
    }
}
