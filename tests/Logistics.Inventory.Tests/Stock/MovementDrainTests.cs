using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The drain copies a centre's movement stream into the ledger a batch at a time (one round trip per step, not per
/// movement) on a real Redis and Postgres: entries the ledger has already are skipped without a second event, the rest
/// keep the stream's order, and serial moves of one batch apply in that order.
/// </summary>
public sealed class MovementDrainTests(TestPostgres postgres, TestRedis redis) : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private ConnectionMultiplexer _redis = null!;
    private StockStore _stock = null!;
    private readonly string _centre = "MD-" + Guid.NewGuid().ToString("N")[..8];

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

    private StockCommand Command() => new(_centre, "k-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), T0);

    private Task GoodsInAsync(string reference) => _stock.GoodsInAsync(Command(), "P-1", serialized: false, "A-01", [], 3, reference);

    private async Task<List<string>> LedgerReferencesAsync()
    {
        await using var cmd = _db.CreateCommand("SELECT reference FROM movements WHERE centre_id = $1 ORDER BY sequence");
        cmd.Parameters.Add(new() { Value = _centre });
        await using var reader = await cmd.ExecuteReaderAsync();
        var references = new List<string>();
        while (await reader.ReadAsync()) references.Add(reader.GetString(0));
        return references;
    }

    private async Task<long> MovementEventsAsync()
    {
        await using var cmd = _db.CreateCommand("SELECT count(*) FROM outbox WHERE topic = 'stock-movement-recorded' AND payload->>'centreId' = $1");
        cmd.Parameters.Add(new() { Value = _centre });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_batch_that_reads_movements_the_ledger_has_already_appends_only_the_new_ones_in_stream_order()
    {
        foreach (var reference in new[] { "PO-1", "PO-2", "PO-3" }) await GoodsInAsync(reference);
        Assert.Equal(3, await Drain().DrainAsync(_centre, CancellationToken.None));

        // As after a crash between the ledger's commit and the cursor's: the next drain reads the stream from its start.
        await using (var reset = _db.CreateCommand("UPDATE ledger_cursors SET last_stream_id = '0-0' WHERE centre_id = $1"))
        {
            reset.Parameters.Add(new() { Value = _centre });
            Assert.Equal(1, await reset.ExecuteNonQueryAsync());
        }
        foreach (var reference in new[] { "PO-4", "PO-5" }) await GoodsInAsync(reference);
        var read = await Drain().DrainAsync(_centre, CancellationToken.None);

        Assert.True(read >= 3, $"the drain read {read} entries: it should have re-read at least the last drained one and the two new ones");
        Assert.Equal(["PO-1", "PO-2", "PO-3", "PO-4", "PO-5"], await LedgerReferencesAsync());
        Assert.Equal(5, await MovementEventsAsync());
    }

    [Fact]
    public async Task More_movements_than_a_batch_are_drained_whole_and_in_order()
    {
        var references = Enumerable.Range(1, MovementDrain.BatchSize + 20).Select(i => $"PO-{i:D4}").ToList();
        foreach (var reference in references) await GoodsInAsync(reference);

        Assert.Equal(references.Count, await Drain().DrainAsync(_centre, CancellationToken.None));

        Assert.Equal(references, await LedgerReferencesAsync());
        Assert.Equal(references.Count, await MovementEventsAsync());
    }

    [Fact]
    public async Task Serial_moves_drained_in_one_batch_apply_in_their_order()
    {
        await _stock.GoodsInAsync(Command(), "P-S", serialized: true, "A-01", ["SN-1", "SN-2"], 2, "PO-1");
        var reservation = ReservationIds.ForRequest("PR-1");
        await _stock.ReserveAsync(Command(), "P-S", 1, "PR-1", reservation, ServiceLevel.NextBusinessDay, T0, false);
        await _stock.ShipAsync(Command(), reservation, ["SN-1"]);

        Assert.Equal(3, await Drain().DrainAsync(_centre, CancellationToken.None)); // goods-in, reservation, shipment: one batch

        // Taken in, then shipped: in transit from the centre, not back on hand as the reverse order would leave it.
        Assert.Equal("in-transit", await PlaceAsync("SN-1"));
        Assert.Equal("on-hand", await PlaceAsync("SN-2"));
    }

    private async Task<string?> PlaceAsync(string serial)
    {
        await using var cmd = _db.CreateCommand("SELECT place FROM serial_holders WHERE part_number = 'P-S' AND serial = $1 AND centre_id = $2");
        cmd.Parameters.Add(new() { Value = serial });
        cmd.Parameters.Add(new() { Value = _centre });
        return await cmd.ExecuteScalarAsync() as string;
    }
}
