using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The cross-centre claim of a serial on a real Postgres (serial_holders) and a real Redis (the centres' scripts):
/// one goods-in wins a race between centres, a refused script leaves no claim, a dangling claim is recovered after
/// the lease, and a delivered serial stays out until it comes back.
/// </summary>
public sealed class SerialClaimsTests(TestPostgres postgres, TestRedis redis) : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(T0);
    private NpgsqlDataSource _db = null!;
    private ConnectionMultiplexer _redis = null!;
    private StockStore _stock = null!;
    private SerialClaims _claims = null!;
    private readonly string _part = "P-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _db = await InventoryDatabase.CreateAsync(postgres);
        _redis = await redis.ConnectAsync();
        _stock = new StockStore(_redis);
        _claims = new SerialClaims(_db, _stock, _clock);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Twenty_racing_goods_in_at_two_centres_book_a_new_serial_once_every_time()
    {
        var (a, b) = (NewCentre(), NewCentre());
        for (var repetition = 0; repetition < 25; repetition++)
        {
            var serial = $"SN-{repetition}";
            var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            {
                var centre = i % 2 == 0 ? a : b;
                try
                {
                    await GoodsInAsync(centre, serial);
                    return (centre, "ok");
                }
                catch (AlreadyExistsException e)
                {
                    return (centre, e.Message);
                }
            })));
            var won = results.Where(r => r.Item2 == "ok").ToList();
            Assert.Single(won);
            var holder = won[0].centre;
            Assert.All(results.Where(r => r.Item2 != "ok"), r => Assert.Contains($"centre {holder}", r.Item2, StringComparison.Ordinal));
            Assert.Equal(new[] { holder }, await HoldersInRedisAsync(serial, a, b));
        }
    }

    [Fact]
    public async Task A_refused_goods_in_leaves_no_claim_behind()
    {
        var centre = NewCentre();
        await _stock.GoodsInAsync(Command(centre), _part, serialized: false, "A-01", [], 2, "PO-1"); // tracked by quantity here
        await Assert.ThrowsAsync<RuleViolationException>(() => GoodsInAsync(centre, "SN-1"));
        Assert.Null(await HolderAsync("SN-1"));
        // Another centre may take it in at once.
        await GoodsInAsync(NewCentre(), "SN-1");
    }

    [Fact]
    public async Task A_fresh_claim_refuses_other_centres_and_a_dangling_one_is_taken_over_after_the_lease()
    {
        var (dead, other) = (NewCentre(), NewCentre());
        await PlantClaimAsync(dead, "SN-1"); // inventory died between the claim and the centre's script
        var refused = await Assert.ThrowsAsync<AlreadyExistsException>(() => GoodsInAsync(other, "SN-1"));
        Assert.Equal($"serial SN-1 of part {_part} is being taken in at centre {dead}", refused.Message);

        _clock.Now += SerialClaims.Lease + TimeSpan.FromSeconds(1);
        await GoodsInAsync(other, "SN-1");
        Assert.Equal(new[] { other }, await HoldersInRedisAsync("SN-1", dead, other));
        Assert.Equal((other, "claimed"), await HolderAsync("SN-1"));
    }

    [Fact]
    public async Task An_old_claim_whose_centre_holds_the_serial_still_refuses_naming_it()
    {
        var (holder, other) = (NewCentre(), NewCentre());
        await GoodsInAsync(holder, "SN-1"); // the relay has not turned the claim into on-hand yet
        _clock.Now += SerialClaims.Lease + TimeSpan.FromSeconds(1);
        var refused = await Assert.ThrowsAsync<AlreadyExistsException>(() => GoodsInAsync(other, "SN-1"));
        Assert.Equal($"serial SN-1 of part {_part} is on hand at centre {holder}", refused.Message);
    }

    [Fact]
    public async Task A_delivered_serial_stays_in_the_field_until_handed_back_and_then_only_that_centre_takes_it_in()
    {
        var (shipper, other) = (NewCentre(), NewCentre());
        await GoodsInAsync(shipper, "SN-1");
        await _stock.ReserveAsync(Command(shipper), _part, 1, "REQ-1", "R-1", ServiceLevel.FourHoursAnyTime, T0, backorderIfShort: false);
        var shipped = await _stock.ShipAsync(Command(shipper), "R-1", ["SN-1"]);
        var received = await _stock.ReceiveAtDestinationAsync(Command(shipper), _part, ["SN-1"], 0, "REQ-1");
        await RelayAsync(shipped.Movement, received.Movement); // the movement relay's step, for these two

        foreach (var centre in new[] { other, shipper })
        {
            var refused = await Assert.ThrowsAsync<AlreadyExistsException>(() => GoodsInAsync(centre, "SN-1"));
            Assert.Equal($"serial SN-1 of part {_part} is in the field: delivered from centre {shipper} on REQ-1", refused.Message);
        }

        await _claims.MarkReturnedAsync(other, _part, ["SN-1"], "RCP-9", CancellationToken.None);
        var elsewhere = await Assert.ThrowsAsync<AlreadyExistsException>(() => GoodsInAsync(shipper, "SN-1"));
        Assert.Contains($"handed back unused at centre {other}", elsewhere.Message, StringComparison.Ordinal);
        await GoodsInAsync(other, "SN-1");
        Assert.Equal(new[] { other }, await HoldersInRedisAsync("SN-1", shipper, other));
    }

    [Fact]
    public async Task A_retried_goods_in_gets_its_first_result_after_the_serial_left_for_the_field()
    {
        var centre = NewCentre();
        var first = Command(centre);
        var booked = await GoodsInAsync(first, "SN-1");
        await _stock.ReserveAsync(Command(centre), _part, 1, "REQ-1", "R-1", ServiceLevel.FourHoursAnyTime, T0, backorderIfShort: false);
        var shipped = await _stock.ShipAsync(Command(centre), "R-1", ["SN-1"]);
        var received = await _stock.ReceiveAtDestinationAsync(Command(centre), _part, ["SN-1"], 0, "REQ-1");
        await RelayAsync(shipped.Movement, received.Movement);

        var retried = await GoodsInAsync(first with { MovementId = Guid.NewGuid() }, "SN-1");
        Assert.Equal(booked.Movement.MovementId, retried.Movement.MovementId);
        Assert.Empty(await _stock.ListSerialsAsync(centre, _part));
        Assert.Equal((centre, "field"), await HolderAsync("SN-1"));
    }

    [Fact]
    public async Task A_scrapped_serial_may_be_taken_in_again()
    {
        var (centre, other) = (NewCentre(), NewCentre());
        var faulty = await _stock.FaultyInAsync(Command(centre), _part, "SN-1", 0, "RET-1");
        var scrapped = await _stock.InspectAsync(Command(centre), _part, "SN-1", InspectionOutcome.Scrap, null, "RET-1");
        await RelayAsync(faulty.Movement, scrapped.Movement);
        Assert.Null(await HolderAsync("SN-1"));
        await GoodsInAsync(other, "SN-1");
    }

    [Fact]
    public async Task Rebuild_clears_a_dangling_claim_the_ledger_does_not_hold()
    {
        var centre = NewCentre();
        await PlantClaimAsync(centre, "SN-1");
        await PlantClaimAsync(centre, "SN-2");
        _clock.Now += SerialClaims.Lease + TimeSpan.FromSeconds(1);
        var cleared = await _claims.ClearDanglingAsync(centre, new HashSet<(string, string)> { (_part, "SN-2") }, CancellationToken.None);
        Assert.Equal(1, cleared);
        Assert.Null(await HolderAsync("SN-1"));
        Assert.Equal((centre, "claimed"), await HolderAsync("SN-2"));
    }

    // ---- helpers

    private static string NewCentre() => "C-" + Guid.NewGuid().ToString("N")[..10];

    private static StockCommand Command(string centre) => new(centre, "k-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), T0);

    private Task<StockChange> GoodsInAsync(string centre, string serial) => GoodsInAsync(Command(centre), serial);

    private Task<StockChange> GoodsInAsync(StockCommand command, string serial) =>
        _claims.ClaimWhileAsync(command, _part, [serial], "PO-1",
            () => _stock.GoodsInAsync(command, _part, serialized: true, "A-01", [serial], 0, "PO-1"), CancellationToken.None);

    private async Task<IReadOnlyList<string>> HoldersInRedisAsync(string serial, params string[] centres)
    {
        var holders = new List<string>();
        foreach (var centre in centres)
            if ((await _stock.ListSerialsAsync(centre, _part)).Any(s => s.Serial == serial)) holders.Add(centre);
        return holders;
    }

    private async Task<(string Centre, string Place)?> HolderAsync(string serial)
    {
        await using var cmd = _db.CreateCommand("SELECT centre_id, place FROM serial_holders WHERE part_number = $1 AND serial = $2");
        cmd.Parameters.Add(new() { Value = _part });
        cmd.Parameters.Add(new() { Value = serial });
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private async Task PlantClaimAsync(string centre, string serial)
    {
        await using var cmd = _db.CreateCommand("INSERT INTO serial_holders (part_number, serial, centre_id, place, claimed_at) VALUES ($1, $2, $3, 'claimed', $4)");
        cmd.Parameters.Add(new() { Value = _part });
        cmd.Parameters.Add(new() { Value = serial });
        cmd.Parameters.Add(new() { Value = centre });
        cmd.Parameters.Add(new() { Value = _clock.Now });
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task RelayAsync(params Movement[] movements)
    {
        await using var conn = await _db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await MovementLedger.ApplySerialMovesAsync(tx, movements, CancellationToken.None);
        await tx.CommitAsync();
    }
}
