using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Domain;
using Logistics.Events.V1;

namespace Logistics.Custody.Tests;

/// <summary>The stock movements of a transfer between centres become custody steps: shipped centre to centre, received there.</summary>
public sealed class TransferTranslationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly EventSource Source = new("ce-8", T0.AddDays(1));

    private static StockMovementRecorded Moved(string kind, string centre, string counterparty, string bin = "") => new()
    {
        MovementId = "m-8", CentreId = centre, PartNumber = "P1", Kind = kind, Serials = { "S1", "S2" }, Reference = "TRF-1",
        Counterparty = counterparty, Carrier = "SF", TrackingNumber = "SF123", Bin = bin, OccurredAt = Timestamp.FromDateTimeOffset(T0),
    };

    private static CustodyEvent Expected(string serial, BusinessStep step, string from, string fromLocation, string to, string toLocation, Disposition disposition, string packaging) =>
        new(CustodyEventIds.For(Source.EventId, serial, step), serial, "P1", T0, step, from, fromLocation, to, toLocation, disposition, packaging,
            "transfer:TRF-1", "", Source.EventId);

    [Fact]
    public void Shipped_goes_from_the_sending_centre_to_the_receiving_centre_in_transit_in_sealed_esd_packaging()
    {
        var t = CustodyTranslation.From(Moved("transfer-shipped", "SZ", "centre:GZ"), Source);
        Assert.Equal(["S1", "S2"], t.Events.Select(e => e.Serial));
        Assert.Equal(Expected("S1", BusinessStep.Shipping, "centre:SZ", "centre:SZ", "centre:GZ", "in-transit:SF/SF123", Disposition.InTransit, "esd-bag-sealed"), t.Events[0]);
    }

    [Fact]
    public void Received_puts_the_serials_in_the_receiving_centres_bin_and_the_chain_stays_unbroken()
    {
        var shipped = CustodyTranslation.From(Moved("transfer-shipped", "SZ", "centre:GZ"), Source).Events[0];
        var received = CustodyTranslation.From(Moved("transfer-received", "GZ", "centre:SZ", "A-01"), new EventSource("ce-9", T0.AddDays(2))).Events[0];
        Assert.Equal((BusinessStep.Receiving, "centre:SZ", "centre:GZ", "centre:GZ/bin:A-01", (Disposition?)Disposition.Available),
            (received.Step, received.FromParty, received.ToParty, received.ToLocation, received.Disposition));

        var chain = SerialChain.Replay([shipped, received with { OccurredAt = T0.AddHours(5), Sequence = 2 }]);
        Assert.Empty(chain.Anomalies);
        Assert.Equal(("centre:GZ", "centre:GZ/bin:A-01", false), (chain.State!.Holder, chain.State.Location, chain.State.InTransit));
    }

    [Fact]
    public void The_sending_centres_delivered_record_repeats_the_receipt_and_makes_no_step() =>
        Assert.Empty(CustodyTranslation.From(Moved("transfer-delivered", "SZ", "centre:GZ"), Source).Events);
}
