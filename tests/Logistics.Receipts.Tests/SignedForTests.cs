using Logistics.Receipts.Domain;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>What each receipt newly signs for (what ReceiptSigned carries, so stock is booked once per unit).</summary>
public sealed class SignedForTests
{
    [Fact]
    public void An_original_receipt_newly_signs_for_what_it_accepts()
    {
        var r = Sign(Content(["S1", "X9"]));
        Assert.Equal(["S1"], r.NewlySignedSerials);
        Assert.Equal(1, r.NewlySignedQuantity);
        Assert.Empty(r.WithdrawnSerials);
        Assert.Null(r.Supersedes);
    }

    [Fact]
    public void A_correction_signs_for_only_what_the_superseded_receipt_had_not_accepted_and_withdraws_the_rest()
    {
        var first = Sign(Content(["S1", "S2"]));
        var corrected = first.Correct("rc-2", "eng-1", false, Delivered.AddHours(2), Content(["S2", "S3"]), Expected(signed: ["S1", "S2"]), Policy);
        Assert.Equal(["S3"], corrected.NewlySignedSerials);
        Assert.Equal(1, corrected.NewlySignedQuantity);
        Assert.Equal(["S1"], corrected.WithdrawnSerials);
        Assert.Equal("rc-1", corrected.Supersedes);
    }

    [Fact]
    public void A_correction_that_only_adds_a_problem_signs_for_nothing_new()
    {
        var first = Sign(Content(["S1"]));
        var corrected = first.Correct("rc-2", "eng-1", false, Delivered.AddHours(2), Content(["S1"], GoodsCondition.Damaged), Expected(signed: ["S1"]), Policy);
        Assert.Empty(corrected.NewlySignedSerials);
        Assert.Equal(0, corrected.NewlySignedQuantity);
        Assert.Empty(corrected.WithdrawnSerials);
        Assert.True(corrected.FlaggedForDoa);
    }

    [Fact]
    public void A_part_tracked_by_quantity_signs_for_the_quantity_and_a_correction_for_the_change()
    {
        var first = Sign(Content([], quantity: 5), ByQuantity());
        Assert.Equal(5, first.AcceptedQuantity);
        Assert.Equal(5, first.NewlySignedQuantity);
        var fewer = first.Correct("rc-2", "eng-1", false, Delivered.AddHours(2), Content([], quantity: 3), ByQuantity(), Policy);
        Assert.Equal(-2, fewer.NewlySignedQuantity);
        var more = fewer.Correct("rc-3", "eng-1", false, Delivered.AddHours(3), Content([], quantity: 4), ByQuantity(), Policy);
        Assert.Equal(1, more.NewlySignedQuantity);
    }

    [Fact]
    public void Serials_declared_on_a_handover_tracked_by_quantity_are_discrepancies_and_sign_for_nothing()
    {
        var r = Sign(Content(["S1"]), ByQuantity());
        Assert.Equal("S1", Assert.Single(r.Discrepancies).Serial);
        Assert.Equal(0, r.NewlySignedQuantity);
    }

    [Fact]
    public void A_restored_receipt_is_the_receipt_signed()
    {
        var r = Sign(Content(["S1", "X9"], GoodsCondition.WrongPart));
        var back = Receipt.Restore(r.ReceiptId, r.Kind, r.Reference, r.HandedOverBy, r.ReceivedBy, r.SignedAt, r.Serials, r.Quantity, r.Packaging,
            r.Condition, r.Note, r.DeadOnArrival, r.AcceptedSerials, r.AcceptedQuantity, r.Discrepancies, r.MissingSerials, r.OutstandingSerials,
            r.NewlySignedSerials, r.NewlySignedQuantity, r.WithdrawnSerials, r.Supersedes, r.CorrectedBy, "rc-9", Delivered.AddDays(1));
        Assert.Equal(r.AcceptedSerials, back.AcceptedSerials);
        Assert.Equal(r.Discrepancies, back.Discrepancies);
        Assert.True(back.HasProblem);
        Assert.True(back.IsSuperseded);
        Assert.Throws<Logistics.SharedKernel.RuleViolationException>(() =>
            back.Correct("rc-10", "eng-1", false, Delivered.AddHours(3), Content(["S1"]), Expected(signed: []), Policy));
    }
}
