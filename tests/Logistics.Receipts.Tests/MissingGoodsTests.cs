using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>Condition <c>missing</c>: the serials listed are the shipped serials that did NOT arrive.</summary>
public sealed class MissingGoodsTests
{
    [Fact]
    public void The_serials_listed_are_reported_missing_and_not_signed_for()
    {
        var r = Sign(Content(["S2"], GoodsCondition.Missing));
        Assert.Equal(["S2"], r.MissingSerials);
        Assert.Empty(r.AcceptedSerials);
        Assert.Empty(r.Discrepancies);
        Assert.Empty(r.NewlySignedSerials);
        Assert.Equal(0, r.NewlySignedQuantity);
        Assert.Equal(0, r.AcceptedQuantity);
        Assert.True(r.HasProblem);
        Assert.Equal(["S2"], r.Serials);
    }

    [Fact]
    public void The_quantity_counts_the_units_missing_or_is_zero()
    {
        Assert.Equal(["S1", "S2"], Sign(Content(["S1", "S2"], GoodsCondition.Missing, quantity: 0)).MissingSerials);
        Assert.Equal(["S1", "S2"], Sign(Content(["S1", "S2"], GoodsCondition.Missing, quantity: 2)).MissingSerials);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => Sign(Content(["S1", "S2"], GoodsCondition.Missing, quantity: 1))).Field);
    }

    [Fact]
    public void Serials_reported_missing_stay_outstanding_and_can_be_signed_for_when_they_turn_up()
    {
        var r = Sign(Content(["S2"], GoodsCondition.Missing));
        Assert.Equal(["S1", "S2", "S3"], r.OutstandingSerials);
        var later = Sign(Content(["S2"]), Expected(signed: []), "rc-2");
        Assert.Equal(["S2"], later.AcceptedSerials);
    }

    [Fact]
    public void With_none_listed_and_quantity_zero_every_outstanding_serial_is_missing()
    {
        var r = Sign(Content([], GoodsCondition.Missing), Expected(signed: ["S1"]));
        Assert.Equal(["S2", "S3"], r.MissingSerials);
        Assert.Empty(r.AcceptedSerials);
        Assert.Equal(["S2", "S3"], r.OutstandingSerials);
    }

    [Fact]
    public void A_serial_not_shipped_cannot_be_reported_missing()
    {
        var ex = Assert.Throws<InvalidFieldException>(() => Sign(Content(["S2", "X9"], GoodsCondition.Missing)));
        Assert.Equal("serials", ex.Field);
        Assert.Contains("X9 was not shipped on r-17", ex.Message);
    }

    [Fact]
    public void A_serial_already_signed_for_cannot_be_reported_missing()
    {
        var ex = Assert.Throws<RuleViolationException>(() => Sign(Content(["S1"], GoodsCondition.Missing), Expected(signed: ["S1"])));
        Assert.Contains("S1 on r-17 was already signed for", ex.Message);
    }

    [Fact]
    public void Missing_serialized_units_are_named_unless_nothing_arrived()
    {
        var ex = Assert.Throws<InvalidFieldException>(() => Sign(Content([], GoodsCondition.Missing, quantity: 2)));
        Assert.Equal("serials", ex.Field);
    }

    [Fact]
    public void Missing_units_of_a_part_tracked_by_quantity_are_counted_not_signed_for()
    {
        var r = Sign(Content([], GoodsCondition.Missing, quantity: 2), ByQuantity());
        Assert.Empty(r.MissingSerials);
        Assert.Equal(0, r.AcceptedQuantity);
        Assert.Equal(0, r.NewlySignedQuantity);
    }

    [Fact]
    public void Missing_goods_reported_after_the_window_are_refused()
    {
        Assert.Throws<RuleViolationException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered.AddDays(3).AddSeconds(1),
            Content(["S1"], GoodsCondition.Missing), Expected(), Policy));
    }

    [Fact]
    public void A_correction_can_report_missing_what_the_corrected_receipt_had_signed_for()
    {
        var first = Sign(Content(["S1", "S2"]));
        var corrected = first.Correct("rc-2", "eng-1", false, Delivered.AddHours(2), Content(["S2"], GoodsCondition.Missing), Expected(signed: ["S1", "S2"]), Policy);
        Assert.Equal(["S2"], corrected.MissingSerials);
        Assert.Empty(corrected.AcceptedSerials);
        Assert.Equal(["S1", "S2"], corrected.WithdrawnSerials);
    }
}
