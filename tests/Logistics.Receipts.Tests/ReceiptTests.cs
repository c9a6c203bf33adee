using Logistics.Receipts.Domain;
using Logistics.SharedKernel;

namespace Logistics.Receipts.Tests;

public sealed class ReceiptTests
{
    private static readonly DateTimeOffset Delivered = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly ReceiptPolicy Policy = ReceiptPolicy.Default;

    private static ExpectedHandover Expected(string[]? shipped = null, string[]? signed = null, ReceiptKind kind = ReceiptKind.CentreToEngineer) =>
        new("r-17", kind, Addressee.Engineer("eng-1"), "wh-1", Delivered, shipped ?? ["S1", "S2", "S3"], signed ?? []);

    private static ReceiptContent Content(string[] serials, GoodsCondition condition = GoodsCondition.Ok, bool outer = true, bool esd = true, bool dead = false) =>
        new(serials, serials.Length, new PackagingCheck(outer, esd), condition, "checked with customer", dead);

    private static Receipt Sign(string[] serials, ExpectedHandover? expected = null, string by = "eng-1", DateTimeOffset? at = null, GoodsCondition condition = GoodsCondition.Ok, string id = "rc-1") =>
        Receipt.Sign(id, ReceiptKind.CentreToEngineer, new Signer(by), at ?? Delivered.AddHours(1), Content(serials, condition), expected ?? Expected(), Policy);

    [Fact]
    public void A_full_delivery_is_signed_for()
    {
        var r = Sign(["S1", "S2", "S3"]);
        Assert.Equal(["S1", "S2", "S3"], r.AcceptedSerials);
        Assert.Empty(r.OutstandingSerials);
        Assert.Empty(r.Discrepancies);
        Assert.False(r.HasProblem);
        Assert.False(r.FlaggedForDoa);
        Assert.Equal("eng-1", r.ReceivedBy);
    }

    [Fact]
    public void Only_the_addressed_party_signs() =>
        Assert.Throws<NotAllowedException>(() => Sign(["S1"], by: "eng-2"));

    [Fact]
    public void A_partial_delivery_leaves_the_rest_outstanding_then_the_rest_is_signed()
    {
        var first = Sign(["S1"]);
        Assert.Equal(["S2", "S3"], first.OutstandingSerials);
        var second = Sign(["S2", "S3"], Expected(signed: ["S1"]), id: "rc-2");
        Assert.Empty(second.OutstandingSerials);
    }

    [Fact]
    public void A_serial_not_shipped_on_the_reference_is_a_discrepancy()
    {
        var r = Sign(["S1", "X9"]);
        Assert.Equal(["S1"], r.AcceptedSerials);
        var d = Assert.Single(r.Discrepancies);
        Assert.Equal("X9", d.Serial);
        Assert.True(r.HasProblem);
        Assert.Equal(["S2", "S3"], r.OutstandingSerials);
    }

    [Fact]
    public void Signing_a_serial_twice_is_refused()
    {
        var ex = Assert.Throws<RuleViolationException>(() => Sign(["S1"], Expected(signed: ["S1"])));
        Assert.Contains("already signed for", ex.Message);
    }

    [Fact]
    public void Damaged_or_dead_goods_are_flagged_for_a_doa_claim()
    {
        Assert.True(Sign(["S1"], condition: GoodsCondition.Damaged).FlaggedForDoa);
        var dead = Receipt.Sign("rc-2", ReceiptKind.CarrierToSite, new Signer("eng-1"), Delivered, Content(["S1"], dead: true), Expected(kind: ReceiptKind.CarrierToSite), Policy);
        Assert.True(dead.FlaggedForDoa);
        Assert.False(Sign(["S1"], condition: GoodsCondition.WrongPart).FlaggedForDoa);
    }

    [Fact]
    public void A_problem_reported_after_three_days_is_refused_but_on_the_last_moment_is_taken()
    {
        Sign(["S1"], at: Delivered.AddDays(3), condition: GoodsCondition.Damaged);
        var ex = Assert.Throws<RuleViolationException>(() => Sign(["S1"], at: Delivered.AddDays(3).AddSeconds(1), condition: GoodsCondition.Damaged));
        Assert.Contains("within 3 days", ex.Message);
        Assert.Throws<RuleViolationException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered.AddDays(4), Content(["S1"], esd: false), Expected(), Policy));
    }

    [Fact]
    public void A_clean_receipt_signed_late_is_taken() => Sign(["S1"], at: Delivered.AddDays(10));

    [Fact]
    public void The_window_is_a_setting()
    {
        var policy = Policy with { ProblemReportWindow = TimeSpan.FromDays(7) };
        Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered.AddDays(5), Content(["S1"], GoodsCondition.Damaged), Expected(), policy);
    }

    [Theory]
    [InlineData("centre-to-engineer", ReceiptKind.CentreToEngineer)]
    [InlineData("engineer-to-centre", ReceiptKind.EngineerToCentre)]
    [InlineData("carrier-to-site", ReceiptKind.CarrierToSite)]
    [InlineData("supplier-to-centre", ReceiptKind.SupplierToCentre)]
    public void Kinds_parse(string code, ReceiptKind kind)
    {
        Assert.Equal(kind, ReceiptCodes.ParseKind(code));
        Assert.Equal(code, kind.Code());
    }

    [Fact]
    public void Bad_fields_are_named()
    {
        Assert.Equal("kind", Assert.Throws<InvalidFieldException>(() => ReceiptCodes.ParseKind("courier")).Field);
        Assert.Equal("condition", Assert.Throws<InvalidFieldException>(() => ReceiptCodes.ParseCondition("broken")).Field);
        Assert.Equal(GoodsCondition.WrongPart, ReceiptCodes.ParseCondition("wrong-part"));
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Sign(["S1", "S1"])).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Sign(["bad serial"])).Field);
        Assert.Equal("note", Assert.Throws<InvalidFieldException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered,
            Content(["S1"]) with { Note = new string('n', 1001) }, Expected(), Policy)).Field);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered,
            Content(["S1"]) with { Quantity = 2 }, Expected(), Policy)).Field);
        Assert.Equal("packaging", Assert.Throws<InvalidFieldException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered,
            Content(["S1"]) with { Packaging = null }, Expected(), Policy)).Field);
    }

    [Fact]
    public void Missing_goods_may_be_signed_with_quantity_zero()
    {
        var r = Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered, new ReceiptContent([], 0, new PackagingCheck(true, true), GoodsCondition.Missing, "box empty"), Expected(), Policy);
        Assert.True(r.HasProblem);
        Assert.Equal(3, r.OutstandingSerials.Count);
        Assert.Equal(["S1", "S2", "S3"], r.MissingSerials);
    }

    [Fact]
    public void A_correction_chain_supersedes_and_keeps_the_old_readable()
    {
        var first = Sign(["S1"]);
        var second = first.Correct("rc-2", "eng-1", false, Delivered.AddHours(2), Content(["S1", "S2"]), Expected(signed: ["S1"]), Policy);
        Assert.Equal("rc-2", first.SupersededBy);
        Assert.True(first.IsSuperseded);
        Assert.Equal(["S1"], first.AcceptedSerials);
        Assert.Equal("rc-1", second.Supersedes);
        Assert.Equal(["S1", "S2"], second.AcceptedSerials);
        Assert.Equal("eng-1", second.ReceivedBy);

        var ex = Assert.Throws<RuleViolationException>(() =>
            first.Correct("rc-3", "eng-1", false, Delivered.AddHours(3), Content(["S1"]), Expected(signed: ["S1", "S2"]), Policy));
        Assert.Contains("superseded by rc-2", ex.Message);

        var third = second.Correct("rc-3", "sup-1", true, Delivered.AddHours(3), Content(["S1", "S2", "S3"]), Expected(signed: ["S1", "S2"]), Policy);
        Assert.Equal("rc-3", second.SupersededBy);
        Assert.Equal("sup-1", third.CorrectedBy);
        Assert.Empty(third.OutstandingSerials);
    }

    [Fact]
    public void Only_the_signer_or_a_supervisor_corrects()
    {
        var first = Sign(["S1"]);
        Assert.Throws<NotAllowedException>(() => first.Correct("rc-2", "eng-2", false, Delivered, Content(["S1"]), Expected(signed: ["S1"]), Policy));
        Assert.Null(first.SupersededBy);
    }

    [Fact]
    public void A_correction_adding_a_problem_after_the_window_is_refused()
    {
        var first = Sign(["S1"]);
        Assert.Throws<RuleViolationException>(() => first.Correct("rc-2", "eng-1", false, Delivered.AddDays(4), Content(["S1"], GoodsCondition.Damaged), Expected(signed: ["S1"]), Policy));
        Assert.Null(first.SupersededBy);
    }

    [Fact]
    public void A_correction_cannot_sign_a_serial_signed_on_another_receipt()
    {
        var first = Sign(["S1"]);
        Assert.Throws<RuleViolationException>(() => first.Correct("rc-3", "eng-1", false, Delivered, Content(["S1", "S2"]), Expected(signed: ["S1", "S2"]), Policy));
    }
}
