using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class IdempotencyTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task The_same_command_twice_gives_the_same_result_and_moves_stock_once()
    {
        var centre = NewCentre();
        var command = Command(centre);

        var first = await Store.GoodsInAsync(command, "P1", true, "A-01", ["SN1", "SN2"], 0, "PO-1");
        // A retry may come with a new movement id and time: the key decides.
        var again = await Store.GoodsInAsync(command with { MovementId = Guid.NewGuid(), OccurredAt = T0.AddMinutes(1) }, "P1", true, "A-01", ["SN1", "SN2"], 0, "PO-1");

        Assert.Equivalent(first, again, strict: true);
        Assert.Equal(1, await StreamLengthAsync(centre));
        Assert.Equal(2, (await Store.GetLevelAsync(centre, "P1")).OnHand);
    }

    [Fact]
    public async Task Every_operation_is_idempotent()
    {
        var centre = NewCentre();
        async Task Twice(Func<StockCommand, Task<StockChange>> operation)
        {
            var command = Command(centre);
            var first = await operation(command);
            var length = await StreamLengthAsync(centre);
            var snapshot = await SnapshotAsync(centre);
            Assert.Equivalent(first, await operation(command), strict: true);
            Assert.Equal(snapshot, await SnapshotAsync(centre));
            Assert.Equal(length, await StreamLengthAsync(centre));
        }

        await Twice(c => Store.GoodsInAsync(c, "P1", true, "A-01", ["SN1", "SN2", "SN3"], 0, "PO-1"));
        await Twice(c => Store.ReserveAsync(c, "P1", 2, "REQ-1", "R1", ServiceLevel.NextDay, T0, false));
        await Twice(c => Store.ReserveAsync(c, "P1", 5, "REQ-2", "R2", ServiceLevel.NextDay, T0, true));
        await Twice(c => Store.ReleaseAsync(c, "R2"));
        await Twice(c => Store.ShipAsync(c, "R1", ["SN1", "SN2"]));
        await Twice(c => Store.ReceiveAtDestinationAsync(c, "P1", ["SN1"], 0, "RCPT-1"));
        await Twice(c => Store.FaultyInAsync(c, "P1", "BAD1", 0, "RET-1"));
        await Twice(c => Store.InspectAsync(c, "P1", "BAD1", InspectionOutcome.Quarantine, null, "RET-1"));
        await Twice(c => Store.AdjustAsync(c, "P1", "A-01", 0, ["SN7"], null, "found", "COUNT-1"));
        Assert.Equal(9, await StreamLengthAsync(centre));
    }

    [Fact]
    public async Task The_same_key_with_other_arguments_is_refused_and_nothing_changes()
    {
        var centre = NewCentre();
        var command = Command(centre);
        await Store.GoodsInAsync(command, "FAN", false, "B-01", [], 5, "PO-1");

        var refusal = await RefusedAsync<InvalidFieldException>(centre, () => Store.GoodsInAsync(command, "FAN", false, "B-01", [], 6, "PO-1"));
        var otherOperation = await RefusedAsync<InvalidFieldException>(centre, () => Store.ReserveAsync(command, "FAN", 1, "", "R1", ServiceLevel.NextDay, T0, false));

        Assert.Equal("idempotency_key: was already used for a different command", refusal.Message);
        Assert.Equal("idempotency_key", otherOperation.Field);
    }

    [Fact]
    public async Task A_refused_command_is_not_remembered_so_its_retry_is_decided_afresh()
    {
        var centre = NewCentre();
        var command = Command(centre);
        await Assert.ThrowsAsync<RuleViolationException>(() => Store.ReserveAsync(command, "FAN", 2, "", "R1", ServiceLevel.NextDay, T0, false));
        await GoodsInQuantityAsync(centre, "FAN", 2);

        var change = await Store.ReserveAsync(command, "FAN", 2, "", "R1", ServiceLevel.NextDay, T0, false);

        Assert.Equal(2, change.Level.Reserved);
    }

    [Fact]
    public async Task A_key_is_kept_for_seven_days()
    {
        var centre = NewCentre();
        var command = Command(centre);
        await Store.GoodsInAsync(command, "FAN", false, "B-01", [], 5, "PO-1");

        var ttl = await Db.KeyTimeToLiveAsync(new StockKeys(centre).Idempotency(command.IdempotencyKey));

        Assert.InRange(ttl!.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
    }
}
