using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Events;
using Logistics.Inventory.Jobs;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The movement relay waits for work on a real Redis and Postgres: a stock script's own message wakes it for that
/// centre (no polling, no sweep needed), and what no message announced (movements made while it was down, a lost
/// message) is found by its sweep, which leaves a drained centre alone.
/// </summary>
public sealed class MovementRelayTests(TestPostgres postgres, TestRedis redis) : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private NpgsqlDataSource _db = null!;
    private ConnectionMultiplexer _redis = null!;
    private StockStore _stock = null!;
    private readonly string _centre = "MR-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _db = await InventoryDatabase.CreateAsync(postgres);
        _redis = await redis.ConnectAsync();
        _stock = new StockStore(_redis);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _db.DisposeAsync();
    }

    private MovementDrain Drain() => new(_redis, _db, new CentresTable(_db), new CountStore(_db), TimeProvider.System);

    private MovementRelay Relay(TimeSpan sweepEvery) => new(_redis, Drain(), NullLogger<MovementRelay>.Instance, sweepEvery);

    private Task GoodsInAsync(string reference) =>
        _stock.GoodsInAsync(new StockCommand(_centre, "k-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), T0), "P-1", serialized: false, "A-01", [], 3, reference);

    private async Task<long> LedgerCountAsync()
    {
        await using var cmd = _db.CreateCommand("SELECT count(*) FROM movements WHERE centre_id = $1");
        cmd.Parameters.Add(new() { Value = _centre });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string?> CursorAsync() => (await MovementLedger.CursorsAsync(_db, CancellationToken.None)).GetValueOrDefault(_centre);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException(what);
            await Task.Delay(20);
        }
    }

    private async Task RegisterCentreAsync()
    {
        await using var cmd = _db.CreateCommand("INSERT INTO centres (centre_id, name, bins, version, updated_at) VALUES ($1, 'Relay test', '{A-01}', 1, now())");
        cmd.Parameters.Add(new() { Value = _centre });
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_movement_wakes_the_relay_for_its_centre_without_a_sweep()
    {
        // The centre is not registered, so no sweep could find it: only the script's message can.
        var relay = Relay(sweepEvery: Never);
        await relay.StartAsync(CancellationToken.None);
        await relay.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        try
        {
            await GoodsInAsync("PO-1");
            await EventuallyAsync(async () => await LedgerCountAsync() == 1, "the movement never reached the ledger");
            await GoodsInAsync("PO-2");
            await GoodsInAsync("PO-3");
            await EventuallyAsync(async () => await LedgerCountAsync() == 3, "later movements never reached the ledger");
        }
        finally { await relay.StopAsync(CancellationToken.None); }
    }

    [Fact]
    public async Task Movements_made_while_the_relay_was_down_are_drained_by_its_first_sweep()
    {
        await RegisterCentreAsync();
        await GoodsInAsync("PO-1");
        await GoodsInAsync("PO-2");
        var relay = Relay(sweepEvery: Never);
        await relay.StartAsync(CancellationToken.None);
        try { await EventuallyAsync(async () => await LedgerCountAsync() == 2, "the start-up sweep did not drain the centre"); }
        finally { await relay.StopAsync(CancellationToken.None); }
    }

    [Fact]
    public async Task A_lost_message_is_caught_by_the_periodic_sweep()
    {
        await RegisterCentreAsync();
        var relay = Relay(sweepEvery: TimeSpan.FromMilliseconds(300));
        await relay.StartAsync(CancellationToken.None);
        try
        {
            await GoodsInAsync("PO-1");
            await EventuallyAsync(async () => await CursorAsync() is not null, "the movement was not drained");
            // Forget the drain: the stream now holds an entry past the (missing) cursor that no message announces.
            await using (var forget = _db.CreateCommand("DELETE FROM ledger_cursors WHERE centre_id = $1"))
            {
                forget.Parameters.Add(new() { Value = _centre });
                await forget.ExecuteNonQueryAsync();
            }
            await EventuallyAsync(async () => await CursorAsync() is not null, "the sweep did not find the undrained entry");
            Assert.Equal(1, await LedgerCountAsync()); // recognised by its movement id, not appended twice
        }
        finally { await relay.StopAsync(CancellationToken.None); }
    }

    [Fact]
    public async Task A_sweep_drains_only_centres_with_entries_past_their_cursor()
    {
        await RegisterCentreAsync();
        var drain = Drain();
        await GoodsInAsync("PO-1");
        Assert.Equal(1, await drain.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await drain.SweepAsync(CancellationToken.None)); // drained: the stream's last entry is the cursor
        await GoodsInAsync("PO-2");
        Assert.Equal(1, await drain.SweepAsync(CancellationToken.None));
        Assert.Equal(2, await LedgerCountAsync());
    }

    [Theory]
    [InlineData("1-1", "1-0", true)]
    [InlineData("10-0", "9-99", true)]   // numbers, not text: "10" sorts before "9" as text
    [InlineData("2-10", "2-9", true)]
    [InlineData("5-3", "5-3", false)]
    [InlineData("4-9", "5-0", false)]
    [InlineData("1-0", "0-0", true)]
    public void Stream_ids_compare_as_numbers(string id, string other, bool after) =>
        Assert.Equal(after, StreamIds.IsAfter(id, other));
}
