using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The ledger a page at a time (ListMovements, the console's movements page) on a real Redis and Postgres: movements
/// made by the stock scripts, drained by the relay, read by part and kind, oldest first after a sequence or newest
/// first before one.
/// </summary>
public sealed class LedgerPageTests(TestPostgres postgres, TestRedis redis) : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private ConnectionMultiplexer _redis = null!;
    private StockStore _stock = null!;
    private MovementLedger _ledger = null!;
    private MovementDrain _drain = null!;
    private readonly string _centre = "LG-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _db = await InventoryDatabase.CreateAsync(postgres);
        _redis = await redis.ConnectAsync();
        _stock = new StockStore(_redis);
        _ledger = new MovementLedger(_db);
        _drain = new MovementDrain(_redis, _db, new CentresTable(_db), new CountStore(_db), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _db.DisposeAsync();
    }

    private StockCommand Command() => new(_centre, "k-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), T0);

    [Fact]
    public async Task Movements_are_read_by_part_and_kind_oldest_first_after_or_newest_first_before_a_sequence()
    {
        await _stock.GoodsInAsync(Command(), "P-1", serialized: true, "A-01", ["S1", "S2"], 0, "PO-1");
        await _stock.GoodsInAsync(Command(), "P-2", serialized: false, "A-01", [], 5, "PO-2");
        await _stock.ReserveAsync(Command(), "P-2", 2, "REQ-1", "R1", ServiceLevel.NextBusinessDay, T0, backorderIfShort: false);
        await _stock.GoodsInAsync(Command(), "P-1", serialized: true, "A-02", ["S3"], 0, "PO-3");
        Assert.Equal(4, await _drain.DrainAsync(_centre, CancellationToken.None));

        var all = await _ledger.PageAsync(_centre, "", "", newestFirst: false, 0, 100, CancellationToken.None);
        Assert.Equal(["goods-in", "goods-in", "reserved", "goods-in"], all.Select(m => m.Movement.Kind.WireName()));
        var sequences = all.Select(m => m.Sequence).ToList();

        var newest = await _ledger.PageAsync(_centre, "", "", newestFirst: true, 0, 100, CancellationToken.None);
        Assert.Equal(sequences.AsEnumerable().Reverse(), newest.Select(m => m.Sequence));

        // Newest first, two at a time: the second page starts before the last sequence of the first.
        var first = await _ledger.PageAsync(_centre, "", "", newestFirst: true, 0, 2, CancellationToken.None);
        var second = await _ledger.PageAsync(_centre, "", "", newestFirst: true, first[^1].Sequence, 2, CancellationToken.None);
        Assert.Equal(sequences.AsEnumerable().Reverse(), first.Concat(second).Select(m => m.Sequence));
        Assert.Empty(await _ledger.PageAsync(_centre, "", "", newestFirst: true, second[^1].Sequence, 2, CancellationToken.None));

        var goodsIn = await _ledger.PageAsync(_centre, "", "goods-in", newestFirst: true, 0, 100, CancellationToken.None);
        Assert.Equal(["PO-3", "PO-2", "PO-1"], goodsIn.Select(m => m.Movement.Reference));
        var boards = await _ledger.PageAsync(_centre, "P-1", "goods-in", newestFirst: false, sequences[0], 100, CancellationToken.None);
        Assert.Equal(["S3"], boards.Single().Movement.Serials);
        Assert.Empty(await _ledger.PageAsync(_centre, "P-1", "reserved", newestFirst: false, 0, 100, CancellationToken.None));
    }
}
