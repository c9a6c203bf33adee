using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class ConcurrencyTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Two_hundred_concurrent_reservations_of_one_unit_against_five_reserve_exactly_five()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        var lowestAvailable = long.MaxValue;
        using var stop = new CancellationTokenSource();
        // Watches the level while the reservations race.
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                lowestAvailable = Math.Min(lowestAvailable, (await Store.GetLevelAsync(centre, "FAN")).Available);
        });

        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                await ReserveAsync(centre, "FAN", 1, $"R{i}");
                return true;
            }
            catch (RuleViolationException)
            {
                return false;
            }
        })).ToList();
        var outcomes = await Task.WhenAll(attempts);
        await stop.CancelAsync();
        await watcher;

        Assert.Equal(5, outcomes.Count(ok => ok));
        Assert.Equal(new StockLevel(centre, "FAN", 5, 5, 0, 0, 0), await Store.GetLevelAsync(centre, "FAN"));
        Assert.InRange(lowestAvailable, 0, 5);
        var movements = await MovementsAsync(centre);
        Assert.Equal(5, movements.Count(m => m.Kind == MovementKind.Reserved));
        Assert.Equal(5, movements.Sum(m => m.Deltas.Reserved));
        await AssertReplayReproducesRedisAsync(centre);
    }
}
