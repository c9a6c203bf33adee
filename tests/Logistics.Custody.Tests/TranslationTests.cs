using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Domain;
using Logistics.Events.V1;

namespace Logistics.Custody.Tests;

public sealed class TranslationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly EventSource Source = new("ce-1", T0.AddDays(1));

    private static Timestamp At(int minutes) => Timestamp.FromDateTimeOffset(T0.AddMinutes(minutes));

    private static CustodyEvent Expected(string serial, BusinessStep step, string from, string fromLocation, string to, string toLocation,
        Disposition? disposition, string packaging, string reference, int minutes, string part = "P1") =>
        new(CustodyEventIds.For(Source.EventId, serial, step), serial, part, T0.AddMinutes(minutes), step,
            from, fromLocation, to, toLocation, disposition, packaging, reference, "", Source.EventId);

    [Fact]
    public void Goods_in_receives_each_serial_from_the_supplier_into_its_bin()
    {
        var t = CustodyTranslation.From(new StockMovementRecorded
        {
            MovementId = "m-1", CentreId = "C1", PartNumber = "P1", Kind = "goods-in", Bin = "A-01", Serials = { "S1", "S2" }, OccurredAt = At(0),
        }, Source);

        Assert.Equal(
            [
                Expected("S1", BusinessStep.Receiving, "supplier", "", "centre:C1", "centre:C1/bin:A-01", Disposition.Available, "", "movement:m-1", 0),
                Expected("S2", BusinessStep.Receiving, "supplier", "", "centre:C1", "centre:C1/bin:A-01", Disposition.Available, "", "movement:m-1", 0),
            ], t.Events);
    }

    [Theory]
    [InlineData("reserved")]
    [InlineData("shipped")]
    [InlineData("received")]
    [InlineData("faulty-in")]
    [InlineData("quarantined")]
    [InlineData("to-stock")]
    [InlineData("scrapped")]
    public void Movements_the_business_events_already_tell_are_not_recorded_twice(string kind)
    {
        var t = CustodyTranslation.From(new StockMovementRecorded { MovementId = "m-1", CentreId = "C1", PartNumber = "P1", Kind = kind, Serials = { "S1" }, OccurredAt = At(0) }, Source);
        Assert.Same(Translation.Nothing, t);
    }

    [Fact]
    public void A_count_adjustment_finds_the_serials_added_and_loses_the_serials_removed()
    {
        // The adjust script lists the added serials first; on-hand delta = added − removed = 2 − 1.
        var t = CustodyTranslation.From(new StockMovementRecorded
        {
            MovementId = "m-2", CentreId = "C1", PartNumber = "P1", Kind = "adjusted", Bin = "A-02", Serials = { "S8", "S9", "S3" },
            Quantity = 3, DeltaOnHand = 1, Reference = "CNT-7", ReasonCode = "misplaced", OccurredAt = At(5),
        }, Source);

        Assert.Equal(
            [
                Expected("S8", BusinessStep.StockTaking, "", "", "centre:C1", "centre:C1/bin:A-02", Disposition.Available, "", "count:CNT-7", 5),
                Expected("S9", BusinessStep.StockTaking, "", "", "centre:C1", "centre:C1/bin:A-02", Disposition.Available, "", "count:CNT-7", 5),
                Expected("S3", BusinessStep.StockTaking, "centre:C1", "centre:C1", "unknown", "unknown", Disposition.NonConformant, "", "count:CNT-7", 5),
            ], t.Events);
    }

    [Fact]
    public void An_adjustment_whose_delta_does_not_fit_its_serials_is_ignored_and_one_by_quantity_records_nothing()
    {
        Assert.Same(Translation.Nothing, CustodyTranslation.From(new StockMovementRecorded
            { MovementId = "m", CentreId = "C1", PartNumber = "P1", Kind = "adjusted", Serials = { "S1", "S2" }, DeltaOnHand = 1, OccurredAt = At(0) }, Source));
        Assert.Same(Translation.Nothing, CustodyTranslation.From(new StockMovementRecorded
            { MovementId = "m", CentreId = "C1", PartNumber = "FAN", Kind = "adjusted", Quantity = 2, DeltaOnHand = -2, OccurredAt = At(0) }, Source));
    }

    [Fact]
    public void A_shipped_request_puts_each_serial_in_transit_to_the_engineer_in_its_sealed_esd_bag()
    {
        var t = CustodyTranslation.From(new PartRequestShipped
        {
            RequestId = "PR-1", CentreId = "C1", PartNumber = "P1", Serials = { "S1" }, Carrier = "DHL", TrackingNo = "T-9", EngineerId = "eng-1",
            SiteId = "SITE-1", ShippedAt = At(10),
        }, Source);

        Assert.Equal([Expected("S1", BusinessStep.Shipping, "centre:C1", "centre:C1", "engineer:eng-1", "in-transit:DHL/T-9", Disposition.InTransit,
            "esd-bag-sealed", "request:PR-1", 10)], t.Events);
        Assert.Empty(t.DoaReplacements);
    }

    [Fact]
    public void A_doa_replacement_shipment_names_the_replacement_serial_of_its_claim()
    {
        var t = CustodyTranslation.From(new PartRequestShipped
        {
            RequestId = "doa-D1", CentreId = "C1", PartNumber = "P1", Serials = { "S7" }, EngineerId = "eng-1", DoaClaimId = "D1", ShippedAt = At(10),
        }, Source);

        Assert.Equal([new DoaUnit("D1", "S7", T0.AddMinutes(10))], t.DoaReplacements);
        Assert.Equal("in-transit", t.Events[0].ToLocation);
    }

    private static ReceiptSigned Receipt(string kind, params string[] serials)
    {
        var e = new ReceiptSigned
        {
            ReceiptId = "RC-1", Kind = kind, Reference = "PR-1", CentreId = "C1", PartNumber = "P1", SignedBy = "eng-1", HandedOverBy = "eng-1",
            SiteId = "SITE-1", SignedAt = At(60), OuterIntact = true, EsdBagSealed = true, Condition = "ok",
        };
        e.Serials.Add(serials);
        e.DeclaredSerials.Add(serials);
        return e;
    }

    [Fact]
    public void A_delivery_signed_by_the_engineer_is_received_from_the_centre_at_the_site()
    {
        var t = CustodyTranslation.From(Receipt("centre-to-engineer", "S1"), Source);

        Assert.Equal([Expected("S1", BusinessStep.Receiving, "centre:C1", "", "engineer:eng-1", "site:SITE-1", Disposition.Available,
            "esd-bag-sealed", "receipt:RC-1", 60)], t.Events);
        Assert.Empty(t.Anomalies);
    }

    [Fact]
    public void A_carrier_delivery_is_received_from_the_carrier_and_a_unit_flagged_for_doa_is_damaged()
    {
        var receipt = Receipt("carrier-to-site", "S7");
        receipt.FlaggedForDoa = true;
        receipt.EsdBagSealed = false;

        var e = Assert.Single(CustodyTranslation.From(receipt, Source).Events);

        Assert.Equal(("carrier", "engineer:eng-1", Disposition.Damaged, "esd-bag-not-sealed"), (e.FromParty, e.ToParty, e.Disposition, e.Packaging));
    }

    [Fact]
    public void A_faulty_part_handed_back_is_received_at_the_centre_as_needing_replacement()
    {
        var receipt = Receipt("engineer-to-centre", "S2");
        receipt.Faulty = true;
        receipt.SignedBy = "wh-1";

        var t = CustodyTranslation.From(receipt, Source);

        Assert.Equal([Expected("S2", BusinessStep.Receiving, "engineer:eng-1", "", "centre:C1", "centre:C1", Disposition.NeedsReplacement,
            "esd-bag-sealed", "receipt:RC-1", 60)], t.Events);
        Assert.Empty(t.Anomalies);
    }

    [Fact]
    public void An_unused_part_handed_back_is_available_again()
    {
        var e = Assert.Single(CustodyTranslation.From(Receipt("engineer-to-centre", "S2"), Source).Events);
        Assert.Equal(Disposition.Available, e.Disposition);
    }

    [Theory]
    [InlineData(false, true, "esd-bag-not-sealed")]
    [InlineData(true, false, "esd-bag-sealed+outer-damaged")]
    public void A_part_handed_back_outside_a_sealed_bag_or_intact_box_is_received_and_flagged(bool esdSealed, bool outerIntact, string packaging)
    {
        var receipt = Receipt("engineer-to-centre", "S2");
        receipt.Faulty = true;
        receipt.EsdBagSealed = esdSealed;
        receipt.OuterIntact = outerIntact;

        var t = CustodyTranslation.From(receipt, Source);

        Assert.Equal(packaging, Assert.Single(t.Events).Packaging);
        var anomaly = Assert.Single(t.Anomalies);
        Assert.Equal((AnomalyKind.PackagingNonCompliant, "S2", "receipt:RC-1", ""), (anomaly.Kind, anomaly.Serial, anomaly.Reference, anomaly.EventId));
        Assert.Contains("engineer:eng-1", anomaly.Detail);
    }

    [Fact]
    public void A_receipt_without_a_packaging_check_records_no_packaging_and_no_anomaly()
    {
        var receipt = Receipt("engineer-to-centre", "S2");
        receipt.ClearEsdBagSealed();
        receipt.ClearOuterIntact();

        var t = CustodyTranslation.From(receipt, Source);

        Assert.Equal("", Assert.Single(t.Events).Packaging);
        Assert.Empty(t.Anomalies);
    }

    [Fact]
    public void Goods_signed_in_from_a_supplier_are_recorded_by_goods_in_not_by_the_receipt() =>
        Assert.Same(Translation.Nothing, CustodyTranslation.From(Receipt("supplier-to-centre", "S1"), Source));

    [Fact]
    public void Discrepancies_become_presence_claims_of_the_receiver_and_are_not_received()
    {
        var receipt = Receipt("centre-to-engineer", "S1");
        receipt.DeclaredSerials.Add("X9");
        receipt.DiscrepancySerials.Add("X9");

        var t = CustodyTranslation.From(receipt, Source);

        Assert.Equal(["S1"], t.Events.Select(e => e.Serial));
        Assert.Equal([new PresenceClaim("X9", "engineer:eng-1", "site:SITE-1", "receipt:RC-1")], t.PresenceClaims);
    }

    [Fact]
    public void A_correcting_receipt_receives_what_it_newly_accepts_and_withdraws_what_the_old_one_accepted_wrongly()
    {
        var receipt = Receipt("centre-to-engineer", "S3");
        receipt.ReceiptId = "RC-2";
        receipt.Supersedes = "RC-1";
        receipt.WithdrawnSerials.Add("S2");

        var t = CustodyTranslation.From(receipt, Source);

        Assert.Equal(["S3"], t.Events.Select(e => e.Serial));
        Assert.Equal([new Withdrawal("S2", "P1", "receipt:RC-1", BusinessStep.Receiving, "receipt:RC-2", T0.AddMinutes(60), "ce-1")], t.Withdrawals);
    }

    [Fact]
    public void A_swap_installs_the_good_serial_removes_the_faulty_one_pairs_them_and_expects_a_return()
    {
        var t = CustodyTranslation.From(new PartInstalled
        {
            RequestId = "PR-1", CentreId = "C1", PartNumber = "P1", EngineerId = "eng-1", SiteId = "SITE-1", EquipmentId = "EQ-5",
            InstalledSerial = "S1", RemovedSerial = "F1", DeliveredAt = At(60), InstalledAt = At(90),
        }, Source);

        Assert.Equal(
            [
                Expected("S1", BusinessStep.Installing, "engineer:eng-1", "site:SITE-1", "equipment:EQ-5", "site:SITE-1", Disposition.InProgress, "", "request:PR-1", 90),
                Expected("F1", BusinessStep.Removing, "equipment:EQ-5", "site:SITE-1", "engineer:eng-1", "site:SITE-1", Disposition.NeedsReplacement, "", "request:PR-1", 90),
            ], t.Events);
        Assert.Equal([new SerialPair("F1", "S1", "request:PR-1", T0.AddMinutes(90))], t.Pairs);
        Assert.Equal([new SwapAwaitingReturn("F1", "PR-1", T0.AddMinutes(90))], t.SwapsAwaitingReturn);
    }

    [Fact]
    public void A_swap_without_a_known_faulty_serial_installs_only()
    {
        var t = CustodyTranslation.From(new PartInstalled
            { RequestId = "PR-1", PartNumber = "P1", EngineerId = "eng-1", EquipmentId = "EQ-5", InstalledSerial = "S1", InstalledAt = At(90) }, Source);

        Assert.Equal([BusinessStep.Installing], t.Events.Select(e => e.Step));
        Assert.Empty(t.Pairs);
        Assert.Empty(t.SwapsAwaitingReturn);
    }

    private static ReturnChanged Return(string step) => new()
    {
        ReturnId = "RT-1", Step = step, RequestId = "PR-1", EngineerId = "eng-1", CentreId = "C1", PartNumber = "P1", Serial = "F1",
        SiteId = "SITE-1", Carrier = "UPS", TrackingNo = "U-1", OccurredAt = At(120), DueAt = Timestamp.FromDateTimeOffset(T0.AddDays(10)),
    };

    [Fact]
    public void An_opened_return_meets_the_swap_expectation()
    {
        var t = CustodyTranslation.From(Return("opened"), Source);
        Assert.Equal([new ReturnOpened("F1", "PR-1", T0.AddMinutes(120))], t.ReturnsOpened);
        Assert.Empty(t.Events);
    }

    [Fact]
    public void A_packed_return_is_packed_by_its_engineer_in_the_good_parts_packaging_and_sealed_bag()
    {
        var t = CustodyTranslation.From(Return("packed"), Source);
        Assert.Equal([Expected("F1", BusinessStep.Packing, "engineer:eng-1", "", "engineer:eng-1", "site:SITE-1", null,
            "in-good-part-packaging+esd-bag-sealed", "return:RT-1", 120)], t.Events);
    }

    [Fact]
    public void A_shipped_return_is_in_transit_back_to_the_centre_as_returned()
    {
        var t = CustodyTranslation.From(Return("shipped"), Source);
        Assert.Equal([Expected("F1", BusinessStep.Shipping, "engineer:eng-1", "site:SITE-1", "centre:C1", "in-transit:UPS/U-1", Disposition.Returned,
            "", "return:RT-1", 120)], t.Events);
    }

    [Theory]
    [InlineData("overdue")]
    [InlineData("escalated")]
    [InlineData("unreturned")]
    public void An_overdue_escalated_or_unreturned_return_is_one_faulty_part_overdue_anomaly_per_serial_and_return(string step)
    {
        var anomaly = Assert.Single(CustodyTranslation.From(Return(step), Source).Anomalies);

        Assert.Equal((AnomalyKind.FaultyPartOverdue, "F1", "return:RT-1", ""), (anomaly.Kind, anomaly.Serial, anomaly.Reference, anomaly.EventId));
        Assert.Contains(step, anomaly.Detail);
        // The same id for every step of the same return: recorded once.
        Assert.Equal(Assert.Single(CustodyTranslation.From(Return("overdue"), new EventSource("other", T0)).Anomalies).AnomalyId, anomaly.AnomalyId);
    }

    [Theory]
    [InlineData("received")]
    [InlineData("inspected")]
    [InlineData("something-new")]
    public void Return_steps_told_by_other_events_record_nothing(string step) =>
        Assert.Same(Translation.Nothing, CustodyTranslation.From(Return(step), Source));

    [Theory]
    [InlineData("confirmed-fault", Disposition.Damaged, "centre:C1")]
    [InlineData("no-fault-found", Disposition.Available, "centre:C1/bin:B-2")]
    [InlineData("damaged-in-transit", Disposition.Destroyed, "centre:C1")]
    public void An_inspected_return_is_inspected_at_the_centre(string result, Disposition disposition, string location)
    {
        var t = CustodyTranslation.From(new ReturnInspected
        {
            ReturnId = "RT-1", CentreId = "C1", PartNumber = "P1", Serial = "F1", Result = result, Bin = "B-2", InspectedAt = At(300),
        }, Source);

        Assert.Equal([Expected("F1", BusinessStep.Inspecting, "centre:C1", "", "centre:C1", location, disposition, "", "return:RT-1", 300)], t.Events);
    }

    [Fact]
    public void A_dead_units_inspection_is_the_claims_not_the_returns_and_an_unknown_result_records_nothing()
    {
        Assert.Same(Translation.Nothing, CustodyTranslation.From(new ReturnInspected
            { ReturnId = "RT-2", CentreId = "C1", Serial = "S7", Result = "confirmed-fault", DoaClaimId = "D1", InspectedAt = At(0) }, Source));
        Assert.Same(Translation.Nothing, CustodyTranslation.From(new ReturnInspected
            { ReturnId = "RT-2", CentreId = "C1", Serial = "S7", Result = "maybe", InspectedAt = At(0) }, Source));
    }

    [Fact]
    public void An_approved_doa_claim_marks_the_dead_unit_as_needing_replacement_where_it_is()
    {
        var t = CustodyTranslation.From(new DoaClaimApproved
            { ClaimId = "D1", RequestId = "PR-1", Serial = "S1", CentreId = "C1", PartNumber = "P1", ApprovedAt = At(200) }, Source);

        Assert.Equal([Expected("S1", BusinessStep.Inspecting, "", "", "", "", Disposition.NeedsReplacement, "", "doa:D1", 200)], t.Events);
        Assert.Equal([new DoaUnit("D1", "S1", T0.AddMinutes(200))], t.DoaDeadUnits);
    }

    [Theory]
    [InlineData("confirmed-doa", Disposition.Damaged)]
    [InlineData("no-fault-found", Disposition.Available)]
    public void An_inspected_doa_claim_inspects_the_dead_unit_at_the_centre(string result, Disposition disposition)
    {
        var t = CustodyTranslation.From(new DoaClaimChanged
            { ClaimId = "D1", Step = "inspected", Serial = "S1", CentreId = "C1", PartNumber = "P1", Result = result, OccurredAt = At(400) }, Source);

        Assert.Equal([Expected("S1", BusinessStep.Inspecting, "centre:C1", "", "centre:C1", "centre:C1", disposition, "", "doa:D1", 400)], t.Events);
    }

    [Theory]
    [InlineData("filed")]
    [InlineData("replacement-shipped")]
    [InlineData("closed")]
    public void Other_doa_claim_steps_record_nothing(string step) =>
        Assert.Same(Translation.Nothing, CustodyTranslation.From(new DoaClaimChanged { ClaimId = "D1", Step = step, Serial = "S1", Result = "confirmed-doa" }, Source));

    [Fact]
    public void A_redelivered_event_makes_the_same_custody_event_ids_and_another_event_other_ids()
    {
        var shipped = new PartRequestShipped { RequestId = "PR-1", CentreId = "C1", Serials = { "S1" }, EngineerId = "e", ShippedAt = At(0) };

        var first = CustodyTranslation.From(shipped, new EventSource("ce-1", T0));
        var again = CustodyTranslation.From(shipped, new EventSource("ce-1", T0.AddHours(1)));
        var other = CustodyTranslation.From(shipped, new EventSource("ce-2", T0));

        Assert.Equal(first.Events, again.Events);
        Assert.NotEqual(first.Events[0].EventId, other.Events[0].EventId);
    }

    [Fact]
    public void Malformed_serials_are_skipped_and_duplicates_recorded_once()
    {
        var t = CustodyTranslation.From(new StockMovementRecorded
            { MovementId = "m", CentreId = "C1", PartNumber = "P1", Kind = "goods-in", Serials = { "S1", "bad serial", "", "S1", new string('x', 65) }, OccurredAt = At(0) }, Source);

        Assert.Equal(["S1"], t.Events.Select(e => e.Serial));
    }

    [Fact]
    public void Business_time_is_the_events_own_cut_to_microseconds_or_the_arrival_time_when_missing()
    {
        var precise = T0.AddTicks(12_345_678);
        var t = CustodyTranslation.From(new PartRequestShipped
            { RequestId = "PR-1", CentreId = "C1", Serials = { "S1" }, ShippedAt = Timestamp.FromDateTimeOffset(precise) }, Source);
        var missing = CustodyTranslation.From(new PartRequestShipped { RequestId = "PR-1", CentreId = "C1", Serials = { "S1" } }, Source);

        Assert.Equal(T0.AddTicks(12_345_670), t.Events[0].OccurredAt);
        Assert.Equal(Source.ReceivedAt, missing.Events[0].OccurredAt);
    }
}
