using Logistics.SharedKernel;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.Testing;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// A stock store on a real Redis (one server per test class). Every test works in its own centre, so tests of a
/// class never see each other's keys.
/// </summary>
public abstract class StockTestBase(TestRedis redis) : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    protected TestRedis Redis { get; } = redis;
    protected ConnectionMultiplexer Connection { get; private set; } = null!;
    protected StockStore Store { get; private set; } = null!;
    protected IDatabase Db => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        Connection = await Redis.ConnectAsync();
        Store = new StockStore(Connection);
    }

    public async Task DisposeAsync() => await Connection.DisposeAsync();

    protected static string NewCentre() => "C-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A new command: its own idempotency key and movement id.</summary>
    protected static StockCommand Command(string centre, DateTimeOffset? at = null) =>
        new(centre, "k-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), at ?? T0);

    protected Task<StockChange> GoodsInSerialsAsync(string centre, string part, string bin, params string[] serials) =>
        Store.GoodsInAsync(Command(centre), part, serialized: true, bin, serials, 0, "PO-1");

    protected Task<StockChange> GoodsInQuantityAsync(string centre, string part, int quantity, string bin = "B-01") =>
        Store.GoodsInAsync(Command(centre), part, serialized: false, bin, [], quantity, "PO-1");

    protected Task<StockChange> ReserveAsync(string centre, string part, int quantity, string reservationId,
        bool backorderIfShort = false, ServiceLevel? level = null, DateTimeOffset? requestedAt = null) =>
        Store.ReserveAsync(Command(centre), part, quantity, "REQ-" + reservationId, reservationId,
            level ?? ServiceLevel.NextBusinessDay, requestedAt ?? T0, backorderIfShort);

    /// <summary>Every key of the centre with its DUMP, and the stream's length: equal snapshots mean nothing changed.</summary>
    protected async Task<IReadOnlyDictionary<string, string>> SnapshotAsync(string centre)
    {
        var keys = (RedisResult[])(await Db.ExecuteAsync("KEYS", $"inv:{{{centre}}}:*"))!;
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys.Select(k => (string)k!))
            snapshot[key] = Convert.ToBase64String((byte[])(await Db.KeyDumpAsync(key))!);
        snapshot["(stream length)"] = (await Db.StreamLengthAsync(new StockKeys(centre).Movements)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return snapshot;
    }

    /// <summary>Runs a command that must be refused with <typeparamref name="T"/>, and proves it changed nothing.</summary>
    protected async Task<T> RefusedAsync<T>(string centre, Func<Task> command) where T : Exception
    {
        var before = await SnapshotAsync(centre);
        var refusal = await Assert.ThrowsAsync<T>(command);
        Assert.Equal(before, await SnapshotAsync(centre));
        return refusal;
    }

    protected async Task<IReadOnlyList<Movement>> MovementsAsync(string centre)
    {
        var entries = await Db.StreamRangeAsync(new StockKeys(centre).Movements);
        return entries.Select(e => StockJson.ParseMovement((string)e["movement"]!)).ToList();
    }

    protected async Task<long> StreamLengthAsync(string centre) => await Db.StreamLengthAsync(new StockKeys(centre).Movements);

    /// <summary>
    /// Replays the centre's stream from zero and asserts it reproduces Redis exactly: the same level keys, each
    /// level hash field by field, each part's serials (on hand with bin, faulty, quarantined, in transit) and tracking.
    /// Also checks conservation for serialized parts: the counts equal the serials held.
    /// </summary>
    protected async Task<StockReplay> AssertReplayReproducesRedisAsync(string centre)
    {
        var replay = new StockReplay(centre);
        foreach (var movement in await MovementsAsync(centre)) Assert.True(replay.Apply(movement));

        var keys = new StockKeys(centre);
        var levelKeys = ((RedisResult[])(await Db.ExecuteAsync("KEYS", $"inv:{{{centre}}}:level:*"))!).Select(k => (string)k!).Order(StringComparer.Ordinal);
        Assert.Equal(replay.Parts.Select(p => (string)keys.Level(p)!), levelKeys);
        var parts = (await Db.SortedSetRangeByRankAsync(keys.Parts)).Select(p => (string)p!);
        Assert.Equal(replay.Parts, parts);

        foreach (var part in replay.Parts)
        {
            var expected = replay.Level(part);
            var hash = (await Db.HashGetAllAsync(keys.Level(part))).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
            Assert.Equal(new Dictionary<string, long>
            {
                ["on_hand"] = expected.OnHand, ["reserved"] = expected.Reserved, ["in_transit"] = expected.InTransit,
                ["faulty"] = expected.Faulty, ["quarantined"] = expected.Quarantined,
            }, hash);
            Assert.Equal(expected, await Store.GetLevelAsync(centre, part));
            var serials = await Store.ListSerialsAsync(centre, part);
            Assert.Equal(replay.Serials(part), serials);
            Assert.Equal(replay.Tracking(part), StockJson.ParseTracking((string?)await Db.HashGetAsync(keys.Tracking, part) ?? ""));
            if (replay.Tracking(part) == PartTracking.Serial)
            {
                Assert.Equal(expected.OnHand, serials.Count(s => s.Place == SerialPlace.OnHand));
                Assert.Equal(expected.InTransit, serials.Count(s => s.Place == SerialPlace.InTransit));
                Assert.Equal(expected.Faulty, serials.Count(s => s.Place == SerialPlace.Faulty));
                Assert.Equal(expected.Quarantined, serials.Count(s => s.Place == SerialPlace.Quarantined));
            }
            Assert.True(expected.IsSound, $"unsound level {expected}");
        }
        return replay;
    }
}
