using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Domain;
using Logistics.Events.V1;

namespace Logistics.Custody.Tests;

/// <summary>The stock movements of a quarantined unit's disposition become custody steps (no other event tells them).</summary>
public sealed class DispositionTranslationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly EventSource Source = new("ce-7", T0.AddDays(1));

    private static StockMovementRecorded Moved(string kind, string counterparty = "", string carrier = "", string tracking = "", string bin = "") => new()
    {
        MovementId = "m-7", CentreId = "C1", PartNumber = "P1", Kind = kind, Serials = { "S1" }, Reference = "DSP-1",
        Counterparty = counterparty, Carrier = carrier, TrackingNumber = tracking, Bin = bin, OccurredAt = Timestamp.FromDateTimeOffset(T0),
    };

    private static CustodyEvent Expected(BusinessStep step, string from, string fromLocation, string to, string toLocation, Disposition disposition, string packaging) =>
        new(CustodyEventIds.For(Source.EventId, "S1", step), "S1", "P1", T0, step, from, fromLocation, to, toLocation, disposition, packaging,
            "disposition:DSP-1", "", Source.EventId);

    [Fact]
    public void Sent_to_repair_ships_the_unit_in_sealed_esd_packaging_to_the_repairer()
    {
        var t = CustodyTranslation.From(Moved("sent-to-repair", "repairer:R-9", "DHL", "TRK-1"), Source);
        Assert.Equal([Expected(BusinessStep.Shipping, "centre:C1", "centre:C1", "repairer:R-9", "in-transit:DHL/TRK-1", Disposition.InProgress, "esd-bag-sealed")], t.Events);
    }

    [Fact]
    public void Returned_to_supplier_ships_the_unit_to_the_supplier_as_returned()
    {
        var t = CustodyTranslation.From(Moved("returned-to-supplier", "supplier:ACME", "SF", "TRK-2"), Source);
        Assert.Equal([Expected(BusinessStep.Shipping, "centre:C1", "centre:C1", "supplier:ACME", "in-transit:SF/TRK-2", Disposition.Returned, "esd-bag-sealed")], t.Events);
    }

    [Fact]
    public void Written_off_destroys_the_unit_at_the_centre()
    {
        var t = CustodyTranslation.From(Moved("written-off"), Source);
        Assert.Equal([Expected(BusinessStep.Destroying, "centre:C1", "centre:C1", "centre:C1", "centre:C1", Disposition.Destroyed, "")], t.Events);
    }

    [Fact]
    public void A_repair_comes_back_from_the_repairer_and_its_inspection_puts_it_in_a_bin_or_back_in_quarantine()
    {
        Assert.Equal([Expected(BusinessStep.Receiving, "repairer:R-9", "", "centre:C1", "centre:C1", Disposition.InProgress, "")],
            CustodyTranslation.From(Moved("repaired-in", "repairer:R-9"), Source).Events);
        Assert.Equal([Expected(BusinessStep.Repairing, "centre:C1", "centre:C1", "centre:C1", "centre:C1/bin:A-01", Disposition.Available, "")],
            CustodyTranslation.From(Moved("repaired-to-stock", "repairer:R-9", bin: "A-01"), Source).Events);
        Assert.Equal([Expected(BusinessStep.Inspecting, "centre:C1", "centre:C1", "centre:C1", "centre:C1", Disposition.Damaged, "")],
            CustodyTranslation.From(Moved("repair-failed", "repairer:R-9"), Source).Events);
    }
}
