using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Domain;
using Logistics.Events.V1;

namespace Logistics.Custody.Tests;

/// <summary>A shipment written off as lost in transit (inventory's movement kind lost-in-transit) puts each serial with nobody: lost.</summary>
public sealed class LossTranslationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly EventSource Source = new("ce-9", T0.AddDays(3));

    [Fact]
    public void A_loss_write_off_moves_each_serial_from_the_carrier_to_lost_without_a_break_in_the_chain()
    {
        var moved = new StockMovementRecorded
        {
            MovementId = "m-9", CentreId = "C1", PartNumber = "P1", Kind = "lost-in-transit", Serials = { "S1", "S2" }, Reference = "PR-7",
            OccurredAt = Timestamp.FromDateTimeOffset(T0),
        };
        var t = CustodyTranslation.From(moved, Source);
        Assert.Equal(["S1", "S2"], t.Events.Select(e => e.Serial));
        var e = t.Events[0];
        Assert.Equal((BusinessStep.LossWriteOff, Parties.Carrier, Parties.Lost, Locations.Lost, (Disposition?)Disposition.Lost, "request:PR-7"),
            (e.Step, e.FromParty, e.ToParty, e.ToLocation, e.Disposition, e.Reference));
        Assert.Equal("loss_write_off", BusinessStep.LossWriteOff.WireName());
        Assert.Equal("lost", ((Disposition?)Disposition.Lost).WireName());

        // The serial was in transit to the engineer: the carrier may hand it over, so the loss is no anomaly.
        var inTransit = new SerialState("S1", "P1", "engineer:eng-1", "in-transit:DHL/T-1", Disposition.InTransit, Packaging.EsdBagSealed, "centre:C1");
        Assert.Null(SerialChain.Check(inTransit, e with { Sequence = 3 }));
        var after = SerialChain.Apply(inTransit, e with { Sequence = 3 });
        Assert.Equal((Parties.Lost, Locations.Lost, (Disposition?)Disposition.Lost, false), (after.Holder, after.Location, after.Disposition, after.InTransit));
    }
}
