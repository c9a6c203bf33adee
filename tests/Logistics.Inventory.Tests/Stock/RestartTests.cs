using Logistics.Inventory.Domain.Stock;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class RestartTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Levels_reservations_and_keys_survive_a_redis_restart()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await ReserveAsync(centre, "P1", 1, "R1");
        var before = await SnapshotAsync(centre);
        var retried = Command(centre);
        var first = await Store.GoodsInAsync(retried, "FAN", false, "B-01", [], 3, "PO-2");

        await Redis.RestartAsync();
        await Eventually.Until(async () => Connection.IsConnected && await Db.PingAsync() > TimeSpan.Zero, TimeSpan.FromSeconds(10), "reconnected");

        Assert.Equal(new StockLevel(centre, "P1", 2, 1, 0, 0, 0), await Store.GetLevelAsync(centre, "P1"));
        Assert.Equal(ReservationState.Reserved, (await Store.GetReservationAsync(centre, "R1"))!.State);
        Assert.Equivalent(first, await Store.GoodsInAsync(retried, "FAN", false, "B-01", [], 3, "PO-2"), strict: true);
        // The scripts are gone from the restarted server's cache: the store loads them again.
        var shipped = await Store.ShipAsync(Command(centre), "R1", ["SN2"]);
        Assert.Equal(new StockLevel(centre, "P1", 1, 0, 1, 0, 0), shipped.Level);
        Assert.NotEqual(before, await SnapshotAsync(centre));
        await AssertReplayReproducesRedisAsync(centre);
    }
}
