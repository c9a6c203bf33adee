using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using StackExchange.Redis;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 1: a reservation and its release (one pair = two calls), the same work four ways in one run: through the
/// gateway's gRPC port, straight to inventory's gRPC port, the same Lua scripts called straight on Redis (the ceiling),
/// and two calls of a gRPC method on inventory that is refused at validation (the server's own ceiling: transport,
/// authentication, interceptors, no storage).
/// </summary>
public sealed class ReservationBenchmark(string gatewayGrpc, string inventoryGrpc, string redis, string token, string centre, string part)
{
    public async Task<IReadOnlyList<LoadResult>> RunAsync(int concurrency, TimeSpan warmUp, TimeSpan duration)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        using var gatewayChannel = GrpcChannel.ForAddress(gatewayGrpc);
        using var inventoryChannel = GrpcChannel.ForAddress(inventoryGrpc);
        var viaGateway = new InventoryService.InventoryServiceClient(gatewayChannel);
        var direct = new InventoryService.InventoryServiceClient(inventoryChannel);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var stock = new StockStore(connection);

        async Task PairAsync(InventoryService.InventoryServiceClient client)
        {
            var reservation = await client.ReserveAsync(new ReserveRequest { CentreId = centre, PartNumber = part, Quantity = 1, Reference = "bench" }, headers);
            await client.ReleaseAsync(new ReleaseRequest { ReservationId = reservation.ReservationId }, headers);
        }

        async Task RawPairAsync()
        {
            var key = Guid.NewGuid().ToString("N");
            var reservationId = ReservationIds.New(centre, key);
            var now = DateTimeOffset.UtcNow;
            await stock.ReserveAsync(new StockCommand(centre, key, Guid.NewGuid(), now), part, 1, "bench", reservationId,
                ServiceLevel.FourHoursAnyTime, now, backorderIfShort: false);
            await stock.ReleaseAsync(new StockCommand(centre, key + "-release", Guid.NewGuid(), now), reservationId);
        }

        async Task NoOpPairAsync()
        {
            for (var i = 0; i < 2; i++)
            {
                try
                {
                    await direct.GetStockAsync(new GetStockRequest { CentreId = "", PartNumber = part }, headers);
                    throw new InvalidOperationException("the no-op call was expected to be refused at validation");
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
                {
                }
            }
        }

        var results = new List<LoadResult>();
        foreach (var (name, operation) in new (string, Func<int, Task>)[]
        {
            ("no-op gRPC on inventory (2 calls)", _ => NoOpPairAsync()),
            ("raw Redis Lua (reserve + release)", _ => RawPairAsync()),
            ("direct to inventory (reserve + release)", _ => PairAsync(direct)),
            ("through the gateway (reserve + release)", _ => PairAsync(viaGateway)),
        })
        {
            Console.Error.WriteLine($"  {name}: {warmUp.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s at {concurrency} callers");
            results.Add(await Load.RunAsync(name, concurrency, warmUp, duration, operation));
        }
        return results;
    }
}
