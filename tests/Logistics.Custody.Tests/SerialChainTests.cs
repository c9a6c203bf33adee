using Logistics.Custody.Domain;

namespace Logistics.Custody.Tests;

public sealed class SerialChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static CustodyEvent E(string id, long sequence, int minutes, BusinessStep step, string from, string to, string toLocation = "",
        Disposition? disposition = null, string corrects = "", string serial = "S1", string packaging = "") =>
        new(id, serial, "P1", T0.AddMinutes(minutes), step, from, "", to, toLocation, disposition, packaging, "ref:" + id, corrects, "src-" + id, sequence);

    private static CustodyEvent GoodsIn(string id, long seq, int minutes, string centre, string serial = "S1") =>
        E(id, seq, minutes, BusinessStep.Receiving, Parties.Supplier, Parties.Centre(centre), Locations.Centre(centre, "A-01"), Disposition.Available, serial: serial);

    private static CustodyEvent Ship(string id, long seq, int minutes, string from = "centre:C1", string to = "engineer:eng-1") =>
        E(id, seq, minutes, BusinessStep.Shipping, from, to, "in-transit:DHL/T-1", Disposition.InTransit, packaging: Packaging.EsdBagSealed);

    private static CustodyEvent Receive(string id, long seq, int minutes, string from = "centre:C1", string to = "engineer:eng-1", string location = "site:SITE-1") =>
        E(id, seq, minutes, BusinessStep.Receiving, from, to, location, Disposition.Available);

    [Fact]
    public void A_spare_goes_in_ships_is_signed_for_and_installed_without_a_break()
    {
        var chain = SerialChain.Replay(
        [
            GoodsIn("e1", 1, 0, "C1"),
            Ship("e2", 2, 10),
            Receive("e3", 3, 60),
            E("e4", 4, 90, BusinessStep.Installing, "engineer:eng-1", "equipment:EQ-5", "site:SITE-1", Disposition.InProgress),
        ]);

        Assert.Empty(chain.Anomalies);
        Assert.Equal(new SerialState("S1", "P1", "equipment:EQ-5", "site:SITE-1", Disposition.InProgress, Packaging.EsdBagSealed, ""), chain.State);
    }

    [Fact]
    public void A_faulty_part_is_removed_packed_shipped_back_received_and_inspected_without_a_break()
    {
        var chain = SerialChain.Replay(
        [
            E("e1", 1, 90, BusinessStep.Removing, "equipment:EQ-5", "engineer:eng-1", "site:SITE-1", Disposition.NeedsReplacement, serial: "F1"),
            E("e2", 2, 100, BusinessStep.Packing, "engineer:eng-1", "engineer:eng-1", "site:SITE-1", packaging: Packaging.InGoodPartPackagingSealed, serial: "F1"),
            E("e3", 3, 110, BusinessStep.Shipping, "engineer:eng-1", "centre:C1", "in-transit:UPS/U-1", Disposition.Returned, serial: "F1"),
            E("e4", 4, 2000, BusinessStep.Receiving, "engineer:eng-1", "centre:C1", "centre:C1", Disposition.NeedsReplacement, serial: "F1"),
            E("e5", 5, 3000, BusinessStep.Inspecting, "centre:C1", "centre:C1", "centre:C1", Disposition.Damaged, serial: "F1"),
        ]);

        Assert.Empty(chain.Anomalies);
        Assert.Equal(new SerialState("F1", "P1", "centre:C1", "centre:C1", Disposition.Damaged, Packaging.InGoodPartPackagingSealed, ""), chain.State);
    }

    [Fact]
    public void While_in_transit_the_sender_the_addressee_and_the_carrier_may_hand_the_serial_over()
    {
        var shipped = SerialChain.Apply(SerialChain.Apply(null, GoodsIn("e1", 1, 0, "C1")), Ship("e2", 2, 10));

        Assert.True(shipped.InTransit);
        Assert.Equal(("engineer:eng-1", "centre:C1"), (shipped.Holder, shipped.Consignor));
        Assert.Null(SerialChain.Check(shipped, Receive("e3", 3, 60, from: "centre:C1")));
        Assert.Null(SerialChain.Check(shipped, Receive("e3", 3, 60, from: Parties.Carrier)));
        Assert.Null(SerialChain.Check(shipped, Receive("e3", 3, 60, from: "engineer:eng-1")));
        Assert.False(SerialChain.Apply(shipped, Receive("e3", 3, 60)).InTransit);
    }

    [Fact]
    public void Shipping_from_a_party_that_does_not_hold_the_serial_is_a_handover_from_a_non_holder()
    {
        var chain = SerialChain.Replay([GoodsIn("e1", 1, 0, "C1"), Ship("e2", 2, 10, from: "centre:C2")]);

        var anomaly = Assert.Single(chain.Anomalies);
        Assert.Equal((AnomalyKind.HandoverFromNonHolder, "S1", "e2", "ref:e2"), (anomaly.Kind, anomaly.Serial, anomaly.EventId, anomaly.Reference));
        Assert.Equal("shipping of serial S1 from centre:C2, but centre:C1 holds it at centre:C1/bin:A-01", anomaly.Detail);
        // The chain still follows what happened.
        Assert.Equal("engineer:eng-1", chain.State!.Holder);
    }

    [Fact]
    public void Receiving_an_in_transit_serial_from_a_stranger_is_a_handover_from_a_non_holder()
    {
        var chain = SerialChain.Replay([GoodsIn("e1", 1, 0, "C1"), Ship("e2", 2, 10), Receive("e3", 3, 60, from: "engineer:eng-9")]);

        var anomaly = Assert.Single(chain.Anomalies);
        Assert.Equal(AnomalyKind.HandoverFromNonHolder, anomaly.Kind);
        Assert.Contains("in transit from centre:C1", anomaly.Detail);
    }

    [Fact]
    public void Goods_in_of_a_serial_held_at_another_centre_is_a_serial_in_two_places()
    {
        var chain = SerialChain.Replay([GoodsIn("e1", 1, 0, "C1"), GoodsIn("e2", 2, 5, "C2")]);

        var anomaly = Assert.Single(chain.Anomalies);
        Assert.Equal((AnomalyKind.SerialInTwoPlaces, "e2"), (anomaly.Kind, anomaly.EventId));
        Assert.Equal("serial S1 is received by centre:C2 from supplier while centre:C1 holds it at centre:C1/bin:A-01", anomaly.Detail);
    }

    [Fact]
    public void A_serial_found_at_a_count_while_an_engineer_holds_it_is_in_two_places_but_found_where_it_is_is_not()
    {
        var atEngineer = SerialChain.Apply(null, Receive("e1", 1, 0));
        var found = E("e2", 2, 10, BusinessStep.StockTaking, "", "centre:C1", "centre:C1/bin:A-02", Disposition.Available);

        Assert.Equal(AnomalyKind.SerialInTwoPlaces, SerialChain.Check(atEngineer, found)!.Kind);
        Assert.Null(SerialChain.Check(SerialChain.Apply(null, GoodsIn("e0", 1, 0, "C1")), found));
    }

    [Fact]
    public void Receiving_from_a_non_holder_while_the_serial_sits_elsewhere_is_a_serial_in_two_places()
    {
        var chain = SerialChain.Replay(
        [
            E("e1", 1, 0, BusinessStep.Removing, "equipment:EQ-5", "engineer:eng-1", "site:SITE-1", Disposition.NeedsReplacement),
            E("e2", 2, 10, BusinessStep.Receiving, "engineer:eng-2", "centre:C1", "centre:C1", Disposition.NeedsReplacement),
        ]);

        Assert.Equal(AnomalyKind.SerialInTwoPlaces, Assert.Single(chain.Anomalies).Kind);
    }

    [Fact]
    public void A_serial_missing_at_a_count_may_turn_up_anywhere()
    {
        var chain = SerialChain.Replay(
        [
            GoodsIn("e1", 1, 0, "C1"),
            E("e2", 2, 10, BusinessStep.StockTaking, "centre:C1", Parties.Unknown, Locations.Unknown, Disposition.NonConformant),
            GoodsIn("e3", 3, 20, "C2"),
        ]);

        Assert.Empty(chain.Anomalies);
        Assert.Equal("centre:C2", chain.State!.Holder);
    }

    [Fact]
    public void The_first_event_of_a_serial_is_never_a_break()
    {
        Assert.Null(SerialChain.Check(null, E("e1", 1, 0, BusinessStep.Removing, "equipment:EQ-5", "engineer:eng-1")));
        Assert.Empty(SerialChain.Replay([Ship("e1", 1, 0, from: "centre:C9")]).Anomalies);
    }

    [Fact]
    public void An_observation_without_parties_changes_the_disposition_only()
    {
        var received = SerialChain.Apply(null, Receive("e1", 1, 0));
        var claimDecision = E("e2", 2, 10, BusinessStep.Inspecting, "", "", "", Disposition.NeedsReplacement);

        Assert.Null(SerialChain.Check(received, claimDecision));
        Assert.Equal(received with { Disposition = Disposition.NeedsReplacement }, SerialChain.Apply(received, claimDecision));
    }

    [Fact]
    public void History_is_replayed_in_business_order_whatever_the_arrival_order()
    {
        CustodyEvent[] arrived =
        [
            Receive("e3", 1, 60),       // the receipt's event arrived first
            GoodsIn("e1", 2, 0, "C1"),
            Ship("e2", 3, 10),
        ];

        var chain = SerialChain.Replay(arrived);

        Assert.Equal(["e1", "e2", "e3"], SerialChain.InBusinessOrder(arrived).Select(e => e.EventId));
        Assert.Empty(chain.Anomalies);
        Assert.Equal(("engineer:eng-1", "site:SITE-1", ""), (chain.State!.Holder, chain.State.Location, chain.State.Consignor));
        var reversed = SerialChain.Replay(arrived.Reverse());
        Assert.Equal(chain.State, reversed.State);
        Assert.Empty(reversed.Anomalies);
    }

    [Fact]
    public void Events_at_the_same_time_keep_their_arrival_order()
    {
        CustodyEvent[] events = [Ship("e2", 2, 10), GoodsIn("e1", 1, 10, "C1")];

        Assert.Equal(["e1", "e2"], SerialChain.InBusinessOrder(events).Select(e => e.EventId));
    }

    [Fact]
    public void A_late_event_that_fills_a_gap_leaves_no_break_in_the_replayed_chain()
    {
        // Arrival order goods-in, receiving (checked against goods-in: from the centre that holds it, fine), then the shipping.
        CustodyEvent[] events = [GoodsIn("e1", 1, 0, "C1"), Receive("e3", 2, 60), Ship("e2", 3, 10)];

        Assert.Empty(SerialChain.Replay(events).Anomalies);
    }

    [Fact]
    public void A_correction_voids_the_wrong_event_so_the_serial_is_back_where_it_was()
    {
        var wrong = Receive("e3", 3, 60, from: "engineer:eng-9");
        var voided = Corrections.Void(wrong, "receipt:RC-2", T0.AddMinutes(70), "src-fix");

        var before = SerialChain.Replay([GoodsIn("e1", 1, 0, "C1"), Ship("e2", 2, 10), wrong]);
        var after = SerialChain.Replay([GoodsIn("e1", 1, 0, "C1"), Ship("e2", 2, 10), wrong, voided with { Sequence = 4 }]);

        Assert.Single(before.Anomalies);
        Assert.Empty(after.Anomalies); // a voided event is out of the chain: not checked either
        Assert.Equal(("engineer:eng-1", "in-transit:DHL/T-1", Disposition.InTransit, "centre:C1"),
            (after.State!.Holder, after.State.Location, after.State.Disposition, after.State.Consignor));
        Assert.Equal(("e3", "", "", BusinessStep.Receiving), (voided.Corrects, voided.FromParty, voided.ToParty, voided.Step));
    }

    [Fact]
    public void A_correction_can_restate_what_really_happened()
    {
        var wrong = E("e2", 2, 90, BusinessStep.Installing, "engineer:eng-1", "equipment:EQ-1", "site:SITE-1", Disposition.InProgress);
        var right = E("e3", 3, 90, BusinessStep.Installing, "engineer:eng-1", "equipment:EQ-2", "site:SITE-1", Disposition.InProgress, corrects: "e2");

        var chain = SerialChain.Replay([Receive("e1", 1, 60), wrong, right]);

        Assert.Equal("equipment:EQ-2", chain.State!.Holder);
        Assert.Equal(new HashSet<string> { "e2" }, SerialChain.CorrectedEventIds([Receive("e1", 1, 60), wrong, right]));
    }

    [Fact]
    public void Correcting_a_correction_puts_the_first_event_back_in_the_chain()
    {
        var first = E("e2", 2, 90, BusinessStep.Installing, "engineer:eng-1", "equipment:EQ-1", "site:SITE-1", Disposition.InProgress);
        var mistakenFix = E("e3", 3, 90, BusinessStep.Installing, "engineer:eng-1", "equipment:EQ-2", "site:SITE-1", Disposition.InProgress, corrects: "e2");
        var undo = Corrections.Void(mistakenFix, "ref:undo", T0.AddMinutes(95), "src-undo") with { Sequence = 4 };

        var chain = SerialChain.Replay([Receive("e1", 1, 60), first, mistakenFix, undo]);

        Assert.Equal("equipment:EQ-1", chain.State!.Holder);
        Assert.Equal(new HashSet<string> { "e3" }, SerialChain.CorrectedEventIds([first, mistakenFix, undo]));
    }

    [Fact]
    public void A_party_declaring_a_serial_held_elsewhere_is_a_serial_in_two_places()
    {
        var atC1 = SerialChain.Apply(null, GoodsIn("e1", 1, 0, "C1"));
        var inTransitToEng1 = SerialChain.Apply(atC1, Ship("e2", 2, 10));
        var missing = SerialChain.Apply(atC1, E("e3", 3, 10, BusinessStep.StockTaking, "centre:C1", Parties.Unknown, Locations.Unknown));

        var anomaly = SerialChain.CheckPresence(atC1, "S1", "engineer:eng-1", "site:SITE-1", "receipt:RC-1");

        Assert.Equal(new DetectedAnomaly(AnomalyKind.SerialInTwoPlaces, "S1",
            "engineer:eng-1 declares serial S1 at site:SITE-1 while centre:C1 holds it at centre:C1/bin:A-01", "receipt:RC-1"), anomaly);
        Assert.Null(SerialChain.CheckPresence(inTransitToEng1, "S1", "engineer:eng-1", "site:SITE-1", "receipt:RC-1"));
        Assert.Null(SerialChain.CheckPresence(missing, "S1", "engineer:eng-1", "site:SITE-1", "receipt:RC-1"));
        Assert.Null(SerialChain.CheckPresence(null, "S1", "engineer:eng-1", "site:SITE-1", "receipt:RC-1"));
    }

    [Fact]
    public void Empty_fields_keep_what_the_serial_had()
    {
        var shipped = SerialChain.Apply(SerialChain.Apply(null, GoodsIn("e1", 1, 0, "C1")), Ship("e2", 2, 10));
        var received = SerialChain.Apply(shipped, Receive("e3", 3, 60) with { PartNumber = "OTHER" });

        Assert.Equal((Packaging.EsdBagSealed, "P1"), (received.Packaging, received.PartNumber));
    }
}
