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
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine("Benchmark 2: request → ship → sign → install flows");
        var serials = await StockAsync(units: 20_000);
        var warehouse = bench.As("bench-warehouse", "warehouse");
        var requests = new PartRequestsService.PartRequestsServiceClient(bench.Gateway);
        var receipts = new ReceiptsService.ReceiptsServiceClient(bench.Gateway);
        var callMs = new ConcurrentBag<double>();

        async Task FlowAsync()
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            var engineer = bench.As("bench-eng-" + id, "engineer");
            double calls = 0;
            async Task<T> CallAsync<T>(Func<Task<T>> call)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await call();
                calls += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                return result;
            }

            var request = await CallAsync(async () => await requests.RequestPartsAsync(new RequestPartsRequest
            {
                TicketId = "TCK-" + id, SiteId = "SITE-" + id, CentreId = Centre, PartNumber = Part, Quantity = 1, ServiceLevel = "7x24x4",
            }, engineer));
            await StateAsync(requests, request.RequestId, "Reserved", engineer);
            if (!serials.TryDequeue(out var serial)) throw new InvalidOperationException("the benchmark ran out of serials in stock");
            await CallAsync(async () => await requests.ShipPartRequestAsync(new ShipPartRequestRequest
            {
                RequestId = request.RequestId, Serials = { serial }, Carrier = "SF Express", TrackingNo = "TRK-" + id,
                Packaging = new EsdPackaging { EsdBagSealed = true, SealedWith = "tape", EsdSymbol = true, PackageId = "PKG-" + id },
            }, warehouse));
            // Receipts learns of the shipment from its event: until then the signature is refused as unexpected.
            while (true)
            {
                try
                {
                    await CallAsync(async () => await receipts.SignReceiptAsync(new SignReceiptRequest
                    {
                        Kind = "centre-to-engineer", Reference = request.RequestId, Serials = { serial }, Quantity = 1, Condition = "ok",
                        Packaging = new PackagingCheck { OuterIntact = true, EsdBagSealed = true },
                    }, engineer));
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
                {
                    await Task.Delay(Poll);
                }
            }
            await StateAsync(requests, request.RequestId, "Delivered", engineer);
            await CallAsync(async () => await requests.InstallPartAsync(new InstallPartRequest
            {
                RequestId = request.RequestId, InstalledSerial = serial, RemovedSerial = "FLT-" + id, EquipmentId = "EQ-" + id,
            }, engineer));
            callMs.Add(calls);
        }

        Console.Error.WriteLine($"  {options.WarmUp.TotalSeconds:0} s warm-up, {options.Duration.TotalSeconds:0} s at {options.FlowConcurrency} concurrent flows");
        var flows = await Load.RunAsync("request → ship → sign → install", options.FlowConcurrency, options.WarmUp, options.Duration, _ => FlowAsync());
        var end = await EventLag.DatabaseNowAsync(bench);
        await bench.SettleAsync("the flows");
        var lag = await EventLag.InsideAsync(bench, end - options.Duration, end);

        var calls = callMs.Order().ToArray();
        var callsP50 = calls.Length == 0 ? double.NaN : calls[calls.Length / 2];
        return new Markdown("2. Full flow: request → ship → sign → install",
                $"{options.FlowConcurrency} concurrent flows through the gateway's gRPC port, {options.Duration.TotalSeconds:0} s after {options.WarmUp.TotalSeconds:0} s warm-up; " +
                $"each flow by a new engineer; waits poll every {Poll.TotalMilliseconds:0} ms.")
            .Table(["measure", "value"],
            [
                ["flows/s", Markdown.Ratio(flows.PerSecond)],
                ["flow p50 / p99 ms", $"{Markdown.Ms(flows.Percentile(0.5))} / {Markdown.Ms(flows.Percentile(0.99))}"],
                ["of which the four calls, p50 ms (baseline: the flow if events were instant)", Markdown.Ms(callsP50)],
                ["flow p50 / calls p50", Markdown.Ratio(flows.Percentile(0.5) / callsP50)],
                ["event lag inside the system in the window, p50 / p99 ms (events)", $"{Markdown.Ms(lag.P50Ms)} / {Markdown.Ms(lag.P99Ms)} ({Markdown.Count(lag.Events)})"],
                ["errors", flows.Errors.ToString()],
            ])
            .Done(new { flows = Report.Figures(flows), callsP50Ms = callsP50, eventLag = lag });
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

    private static async Task StateAsync(PartRequestsService.PartRequestsServiceClient requests, string requestId, string state, Metadata engineer)
    {
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (true)
        {
            var request = await requests.GetPartRequestAsync(new GetPartRequestRequest { RequestId = requestId }, engineer);
            if (request.State == state) return;
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"request {requestId} still {request.State}, not {state}, after 30 s");
            await Task.Delay(Poll);
        }
    }
}
