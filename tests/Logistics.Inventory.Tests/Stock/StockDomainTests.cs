using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Stock;

public sealed class StockLevelTests
{
    [Fact]
    public void Available_is_on_hand_less_reserved()
    {
        Assert.Equal(3, new StockLevel("C1", "P1", 5, 2, 7, 1, 1).Available);
    }

    [Fact]
    public void Deltas_apply_field_by_field()
    {
        var level = StockLevel.Empty("C1", "P1").Apply(new StockDeltas(5, 2, 0, 1, 0)).Apply(new StockDeltas(-2, -2, 2, -1, 1));

        Assert.Equal(new StockLevel("C1", "P1", 3, 0, 2, 0, 1), level);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0, true)]
    [InlineData(5, 5, 0, 0, 0, true)]
    [InlineData(4, 5, 0, 0, 0, false)]
    [InlineData(-1, 0, 0, 0, 0, false)]
    [InlineData(0, -1, 0, 0, 0, false)]
    [InlineData(0, 0, -1, 0, 0, false)]
    [InlineData(0, 0, 0, -1, 0, false)]
    [InlineData(0, 0, 0, 0, -1, false)]
    public void A_level_is_sound_when_nothing_is_negative_and_nothing_reserved_beyond_on_hand(
        long onHand, long reserved, long inTransit, long faulty, long quarantined, bool sound)
    {
        Assert.Equal(sound, new StockLevel("C1", "P1", onHand, reserved, inTransit, faulty, quarantined).IsSound);
    }
}

public sealed class StockReplayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static Movement Move(MovementKind kind, StockDeltas deltas, SerialMove[]? moves = null, string part = "P1", string reservationId = "") =>
        new(Guid.NewGuid(), "C1", part, kind, moves is null ? PartTracking.Quantity : PartTracking.Serial, "", moves?.Select(m => m.Serial).ToList() ?? [],
            moves?.Length ?? 1, deltas, moves ?? [], "", reservationId, "", T0);

    [Fact]
    public void Movements_rebuild_levels_serials_and_tracking_from_zero()
    {
        var replay = new StockReplay("C1");

        replay.Apply(Move(MovementKind.GoodsIn, new StockDeltas(2, 0, 0, 0, 0),
            [new SerialMove("S1", SerialPlace.None, SerialPlace.OnHand, "A"), new SerialMove("S2", SerialPlace.None, SerialPlace.OnHand, "B")]));
        replay.Apply(Move(MovementKind.Reserved, new StockDeltas(0, 1, 0, 0, 0), [], reservationId: "R1") with { Tracking = PartTracking.Unknown, Quantity = 1 });
        replay.Apply(Move(MovementKind.Shipped, new StockDeltas(-1, -1, 1, 0, 0),
            [new SerialMove("S2", SerialPlace.OnHand, SerialPlace.InTransit, "B")], reservationId: "R1"));
        replay.Apply(Move(MovementKind.FaultyIn, new StockDeltas(0, 0, 0, 1, 0), [new SerialMove("X1", SerialPlace.None, SerialPlace.Faulty, "")]));
        replay.Apply(Move(MovementKind.Quarantined, new StockDeltas(0, 0, 0, -1, 1), [new SerialMove("X1", SerialPlace.Faulty, SerialPlace.Quarantined, "")]));
        replay.Apply(Move(MovementKind.GoodsIn, new StockDeltas(4, 0, 0, 0, 0), part: "FAN"));

        Assert.Equal(new StockLevel("C1", "P1", 1, 0, 1, 0, 1), replay.Level("P1"));
        Assert.Equal(
            [
                new HeldSerial("S1", SerialPlace.OnHand, "A", ""),
                new HeldSerial("S2", SerialPlace.InTransit, "", "R1"),
                new HeldSerial("X1", SerialPlace.Quarantined, "", ""),
            ], replay.Serials("P1"));
        Assert.Equal(PartTracking.Serial, replay.Tracking("P1"));
        Assert.Equal(new StockLevel("C1", "FAN", 4, 0, 0, 0, 0), replay.Level("FAN"));
        Assert.Equal(PartTracking.Quantity, replay.Tracking("FAN"));
        Assert.Equal(["FAN", "P1"], replay.Parts);
        Assert.Equal(StockLevel.Empty("C1", "NONE"), replay.Level("NONE"));
        Assert.Empty(replay.Serials("NONE"));
    }

    [Fact]
    public void A_movement_applied_again_changes_nothing()
    {
        var replay = new StockReplay("C1");
        var goodsIn = Move(MovementKind.GoodsIn, new StockDeltas(3, 0, 0, 0, 0));

        Assert.True(replay.Apply(goodsIn));
        Assert.False(replay.Apply(goodsIn));

        Assert.Equal(3, replay.Level("P1").OnHand);
    }

    [Fact]
    public void A_movement_that_would_break_a_level_is_an_anomaly_and_changes_nothing()
    {
        var replay = new StockReplay("C1");
        replay.Apply(Move(MovementKind.GoodsIn, new StockDeltas(1, 0, 0, 0, 0), [new SerialMove("S1", SerialPlace.None, SerialPlace.OnHand, "A")]));
        var overReserve = Move(MovementKind.Reserved, new StockDeltas(0, 2, 0, 0, 0));

        var anomaly = Assert.Throws<InvalidOperationException>(() => replay.Apply(overReserve));

        Assert.Contains("reserved 2", anomaly.Message);
        Assert.Equal(new StockLevel("C1", "P1", 1, 0, 0, 0, 0), replay.Level("P1"));
        Assert.True(replay.Apply(overReserve with { Deltas = new StockDeltas(0, 1, 0, 0, 0) })); // not marked as applied
    }

    [Fact]
    public void A_serial_moved_from_where_it_is_not_is_an_anomaly_and_changes_nothing()
    {
        var replay = new StockReplay("C1");
        replay.Apply(Move(MovementKind.GoodsIn, new StockDeltas(1, 0, 0, 0, 0), [new SerialMove("S1", SerialPlace.None, SerialPlace.OnHand, "A")]));

        var twice = Assert.Throws<InvalidOperationException>(() => replay.Apply(
            Move(MovementKind.GoodsIn, new StockDeltas(2, 0, 0, 0, 0),
                [new SerialMove("S2", SerialPlace.None, SerialPlace.OnHand, "A"), new SerialMove("S1", SerialPlace.None, SerialPlace.OnHand, "A")])));
        var notFaulty = Assert.Throws<InvalidOperationException>(() => replay.Apply(
            Move(MovementKind.Scrapped, new StockDeltas(-1, 0, 0, 0, 0), [new SerialMove("S1", SerialPlace.Faulty, SerialPlace.None, "")])));

        Assert.Contains("serial S1 from None, but the serial is OnHand", twice.Message);
        Assert.Contains("serial S1 from Faulty", notFaulty.Message);
        Assert.Equal([new HeldSerial("S1", SerialPlace.OnHand, "A", "")], replay.Serials("P1"));
        Assert.Equal(1, replay.Level("P1").OnHand);
    }

    [Fact]
    public void A_movement_of_another_centre_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new StockReplay("C2").Apply(Move(MovementKind.GoodsIn, new StockDeltas(1, 0, 0, 0, 0))));
    }
}

public sealed class StockVocabularyTests
{
    [Fact]
    public void Service_levels_rank_fastest_first()
    {
        Assert.Equal(["7x24x4", "5x9x4", "7x9xND", "5x9xNBD"], ServiceLevel.All.OrderBy(l => l.Rank).Select(l => l.Code));
        Assert.Same(ServiceLevel.NextBusinessDay, ServiceLevel.Parse("5x9xnbd"));
    }

    [Fact]
    public void Backorder_priority_puts_the_service_level_before_the_age()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(Reservation.BackorderPriority(ServiceLevel.FourHoursAnyTime, t.AddYears(50))
            < Reservation.BackorderPriority(ServiceLevel.FourHoursBusinessHours, t));
        Assert.True(Reservation.BackorderPriority(ServiceLevel.NextDay, t) < Reservation.BackorderPriority(ServiceLevel.NextDay, t.AddMilliseconds(1)));
    }

    [Fact]
    public void Derived_movement_ids_are_rfc_version_5_uuids()
    {
        // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            MovementIds.ForServedBackorder(Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
    }

    [Fact]
    public void Movement_kinds_have_wire_names_both_ways()
    {
        foreach (var kind in Enum.GetValues<MovementKind>()) Assert.Equal(kind, MovementKinds.Parse(kind.WireName()));
        Assert.Equal("goods-in", MovementKind.GoodsIn.WireName());
    }

    [Theory]
    [InlineData("SN-0001_a")]
    [InlineData("x")]
    public void Well_formed_serials_pass(string serial)
    {
        Assert.Equal(serial, StockFields.Serial(serial));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SN 1")]
    [InlineData("SN.1")]
    [InlineData("SN/1")]
    [InlineData("SN{1}")]
    public void Malformed_serials_are_refused(string serial)
    {
        Assert.Equal("serial", Assert.Throws<InvalidFieldException>(() => StockFields.Serial(serial)).Field);
    }

    [Fact]
    public void A_serial_is_at_most_64_characters()
    {
        Assert.Equal(64, StockFields.Serial(new string('A', 64)).Length);
        Assert.Throws<InvalidFieldException>(() => StockFields.Serial(new string('A', 65)));
    }
}
