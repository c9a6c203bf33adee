using Grpc.Core;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 1: a reservation and its release (one pair = two calls), the same work five ways in one run: two calls
/// of a gRPC method on inventory refused at validation (the server's own ceiling: transport, authentication,
/// interceptors, no storage), the same Lua scripts called straight on Redis (the storage ceiling), straight to
/// inventory's gRPC port, through a policy-free YARP pass-through (the proxy's own cost) and through the gateway's
/// gRPC port (the proxy and its policies). The event cascade of one scenario settles before the next.
/// </summary>
public sealed class ReservationBenchmark(BenchmarkStack bench, BenchmarkOptions options)
{
    public const string Centre = "BENCH-C1", Part = "BENCH-CABLE";

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine("Benchmark 1: reservation + release pairs");
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/centres/{Centre}", "bench-admin", "admin", new { name = "Benchmark centre", bins = new[] { "A-01" } });
        await bench.SendAsync(HttpMethod.Put, $"/api/v1/parts/{Part}", "bench-admin", "admin", new { description = "Patch cable", serialized = false, unit = "pcs" });
        await bench.SendAsync(HttpMethod.Post, $"/api/v1/centres/{Centre}/goods-in", "bench-warehouse", "warehouse", new { partNumber = Part, bin = "A-01", quantity = 1_000_000 }); // the most one goods-in line takes; each pair gives its unit back
        await bench.SettleAsync("setup");

        var headers = bench.As("bench-warehouse", "warehouse");
        var viaGateway = new InventoryService.InventoryServiceClient(bench.Gateway);
        var direct = new InventoryService.InventoryServiceClient(bench.Direct("inventory"));
        await using var proxy = await PassThroughProxy.StartAsync($"http://127.0.0.1:{bench.Stack.Layout.App("inventory").GrpcPort}", bench.Stack.LogsDir);
        var gatewayPid = bench.Stack.Processes["gateway"].Pid;
        var passThrough = new InventoryService.InventoryServiceClient(proxy.Channel);
        var stock = new StockStore(bench.Redis);

        async Task PairAsync(InventoryService.InventoryServiceClient client)
        {
            var reservation = await client.ReserveAsync(new ReserveRequest { CentreId = Centre, PartNumber = Part, Quantity = 1, Reference = "bench" }, headers);
            await client.ReleaseAsync(new ReleaseRequest { ReservationId = reservation.ReservationId }, headers);
        }

        async Task RawPairAsync()
        {
            var key = Guid.NewGuid().ToString("N");
            var reservationId = ReservationIds.New(Centre, key);
            var now = DateTimeOffset.UtcNow;
            await stock.ReserveAsync(new StockCommand(Centre, key, Guid.NewGuid(), now), Part, 1, "bench", reservationId,
                ServiceLevel.FourHoursAnyTime, now, backorderIfShort: false);
            await stock.ReleaseAsync(new StockCommand(Centre, key + "-release", Guid.NewGuid(), now), reservationId);
        }

        async Task NoOpPairAsync()
        {
            for (var i = 0; i < 2; i++)
            {
                try
                {
                    await direct.GetStockAsync(new GetStockRequest { CentreId = "", PartNumber = Part }, headers);
                    throw new InvalidOperationException("the no-op call was expected to be refused at validation");
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
                {
                }
            }
        }

        var results = new List<LoadResult>();
        var proxyCpuMsPerPair = new List<double>(); // of the proxy process in its row: the pass-through's, then the gateway's
        foreach (var (name, operation, proxyPid) in new (string, Func<Task>, int?)[]
        {
            ("no-op gRPC on inventory (2 calls)", NoOpPairAsync, null),
            ("raw Redis Lua (reserve + release)", RawPairAsync, null),
            ("direct to inventory (reserve + release)", () => PairAsync(direct), null),
            ("policy-free YARP pass-through (reserve + release)", () => PairAsync(passThrough), proxy.Pid),
            ("through the gateway (reserve + release)", () => PairAsync(viaGateway), gatewayPid),
        })
        {
            Console.Error.WriteLine($"  {name}: {options.WarmUp.TotalSeconds:0} s warm-up, {options.Duration.TotalSeconds:0} s at {options.Concurrency} callers");
            long ticks = 0;
            var result = await Load.RunAsync(name, options.Concurrency, options.WarmUp, options.Duration, operation,
                proxyPid is { } pid ? start => ticks = start ? ProcCpu.Ticks(pid) : ProcCpu.Ticks(pid) - ticks : null);
            results.Add(result);
            if (proxyPid is not null) proxyCpuMsPerPair.Add(ticks * 10.0 / result.Operations); // a tick is 10 ms (USER_HZ 100)
            await bench.SettleAsync(name);
        }

        var (noOp, raw, directPairs, bare, gateway) = (results[0], results[1], results[2], results[3], results[4]);
        return new Markdown("1. Reservation + release pairs",
                $"{options.Concurrency} concurrent callers, {options.Duration.TotalSeconds:0} s each after {options.WarmUp.TotalSeconds:0} s warm-up; " +
                "the event cascade of each scenario settles before the next starts.")
            .Table(["scenario", "pairs/s", "p50 ms", "p99 ms", "errors"],
                results.Select(r => new[] { r.Scenario, Markdown.Count(r.PerSecond), Markdown.Ms(r.Percentile(0.5)), Markdown.Ms(r.Percentile(0.99)), r.Errors.ToString() }))
            .Table(["ratio (throughput)", "value", "target"],
            [
                ["gateway / pass-through (policy cost)", Markdown.Ratio(gateway.PerSecond / bare.PerSecond), Markdown.Target("≥ 0.85", gateway.PerSecond / bare.PerSecond >= 0.85)],
                ["pass-through / direct (proxy cost)", Markdown.Ratio(bare.PerSecond / directPairs.PerSecond), "(any proxy in the path)"],
                ["gateway / direct", Markdown.Ratio(gateway.PerSecond / directPairs.PerSecond), Markdown.Target("≥ 0.5", gateway.PerSecond / directPairs.PerSecond >= 0.5)],
                ["proxy process CPU per pair: pass-through, gateway (ms)", $"{Markdown.Ms(proxyCpuMsPerPair[0])}, {Markdown.Ms(proxyCpuMsPerPair[1])}", "(where the proxies' time goes)"],
                ["direct / no-op gRPC", Markdown.Ratio(directPairs.PerSecond / noOp.PerSecond), Markdown.Target("≥ 0.8", directPairs.PerSecond / noOp.PerSecond >= 0.8)],
                ["direct / raw Redis", Markdown.Ratio(directPairs.PerSecond / raw.PerSecond), "(the storage ceiling)"],
                // Absolute figures swing with the shared machine's load; the targets are the ratios above.
                ["through the gateway: pairs/s, p99", $"{Markdown.Count(gateway.PerSecond)}, {Markdown.Ms(gateway.Percentile(0.99))} ms", "(absolute: for reference)"],
            ])
            .Done(new { rows = results.Select(Report.Figures).ToList(), passThroughCpuMsPerPair = proxyCpuMsPerPair[0], gatewayCpuMsPerPair = proxyCpuMsPerPair[1] });
    }
}
