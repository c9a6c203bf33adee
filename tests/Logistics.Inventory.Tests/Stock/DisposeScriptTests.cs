using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>The dispose script: a quarantined serial leaves once (to a repairer, the supplier or the write-off), and a repair comes back.</summary>
public sealed class DisposeScriptTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    private async Task<string> QuarantinedAsync(string serial)
    {
        var centre = NewCentre();
        await Store.FaultyInAsync(Command(centre), "P1", serial, 0, "RET-1");
        await Store.InspectAsync(Command(centre), "P1", serial, InspectionOutcome.Quarantine, null, "RET-1");
        return centre;
    }

    private Task<StockChange> DisposeAsync(string centre, string serial, MovementKind kind, string key, string? bin = null) =>
        Store.DisposeAsync(Command(centre) with { IdempotencyKey = key }, "P1", serial, kind, bin, "DSP-1", "", "supplier:ACME", "DHL", "T-1");

    [Theory]
    [InlineData(MovementKind.WrittenOff)]
    [InlineData(MovementKind.ReturnedToSupplier)]
    [InlineData(MovementKind.SentToRepair)]
    public async Task A_quarantined_serial_leaves_once(MovementKind kind)
    {
        var centre = await QuarantinedAsync("BAD1");

        var change = await DisposeAsync(centre, "BAD1", kind, "k1");

        Assert.Equal(new StockLevel(centre, "P1", 0, 0, 0, 0, 0), change.Level);
        Assert.Equal(kind, change.Movement.Kind);
        Assert.Equal([new SerialMove("BAD1", SerialPlace.Quarantined, SerialPlace.None, "")], change.Movement.SerialMoves);
        Assert.Equal(("supplier:ACME", "DHL", "T-1"), (change.Movement.Counterparty, change.Movement.Carrier, change.Movement.TrackingNumber));
        Assert.Empty(await Store.ListSerialsAsync(centre, "P1"));
        // The same key replays the first result; another key is refused naming the serial and changes nothing.
        Assert.Equal(change.Movement.MovementId, (await DisposeAsync(centre, "BAD1", kind, "k1")).Movement.MovementId);
        var refusal = await RefusedAsync<RuleViolationException>(centre, () => DisposeAsync(centre, "BAD1", MovementKind.WrittenOff, "k2"));
        Assert.Contains("serial BAD1 of part P1 is not held", refusal.Message);
        await AssertReplayReproducesRedisAsync(centre);
    }

    [Fact]
    public async Task Only_a_quarantined_serial_leaves_the_quarantine()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "GOOD1");
        await Store.FaultyInAsync(Command(centre), "P1", "BAD2", 0, "RET-1");

        Assert.Contains("serial GOOD1 of part P1 is on hand in bin A-01",
            (await RefusedAsync<RuleViolationException>(centre, () => DisposeAsync(centre, "GOOD1", MovementKind.WrittenOff, "k1"))).Message);
        Assert.Contains("serial BAD2 of part P1 is faulty",
            (await RefusedAsync<RuleViolationException>(centre, () => DisposeAsync(centre, "BAD2", MovementKind.ReturnedToSupplier, "k2"))).Message);
        Assert.Equal("bin", (await RefusedAsync<InvalidFieldException>(centre, () => DisposeAsync(centre, "BAD2", MovementKind.WrittenOff, "k3", "A-01"))).Field);
    }

    [Fact]
    public async Task A_repair_comes_back_for_inspection_and_then_to_stock_or_to_quarantine()
    {
        var centre = await QuarantinedAsync("BAD3");
        await DisposeAsync(centre, "BAD3", MovementKind.SentToRepair, "out");
        await RefusedAsync<RuleViolationException>(centre, () => DisposeAsync(centre, "BAD3", MovementKind.RepairedToStock, "early", "A-01"));

        var back = await DisposeAsync(centre, "BAD3", MovementKind.RepairedIn, "in");
        Assert.Equal(new StockLevel(centre, "P1", 0, 0, 0, 1, 0), back.Level);
        Assert.Contains("serial BAD3 of part P1 is faulty",
            (await RefusedAsync<RuleViolationException>(centre, () => DisposeAsync(centre, "BAD3", MovementKind.RepairedIn, "in-again"))).Message);

        var good = await DisposeAsync(centre, "BAD3", MovementKind.RepairedToStock, "good", "A-01");
        Assert.Equal(new StockLevel(centre, "P1", 1, 0, 0, 0, 0), good.Level);
        Assert.Equal([new HeldSerial("BAD3", SerialPlace.OnHand, "A-01", "")], await Store.ListSerialsAsync(centre, "P1"));
        await AssertReplayReproducesRedisAsync(centre);

        var other = await QuarantinedAsync("BAD4");
        await DisposeAsync(other, "BAD4", MovementKind.SentToRepair, "out");
        await DisposeAsync(other, "BAD4", MovementKind.RepairedIn, "in");
        var failed = await DisposeAsync(other, "BAD4", MovementKind.RepairFailed, "bad");
        Assert.Equal(new StockLevel(other, "P1", 0, 0, 0, 0, 1), failed.Level);
        await AssertReplayReproducesRedisAsync(other);
    }
}
