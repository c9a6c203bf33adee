using Logistics.Custody.Api;
using Logistics.Custody.Domain;
using Logistics.SharedKernel;

namespace Logistics.Custody.Tests;

public sealed class SmallRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_swap_is_missing_its_return_once_the_grace_period_passed_without_one_being_opened()
    {
        var swap = new SwapAwaitingReturn("F1", "PR-1", T0);
        var grace = TimeSpan.FromHours(1);

        Assert.False(SwapReturns.IsMissing(swap, null, T0.AddMinutes(59), grace));
        Assert.True(SwapReturns.IsMissing(swap, null, T0.AddHours(1), grace));
        Assert.False(SwapReturns.IsMissing(swap, T0.AddMinutes(1), T0.AddDays(1), grace));
        var anomaly = SwapReturns.Anomaly(swap, grace);
        Assert.Equal((AnomalyKind.SwapWithoutReturn, "F1", "request:PR-1", ""), (anomaly.Kind, anomaly.Serial, anomaly.Reference, anomaly.EventId));
    }

    [Fact]
    public void An_anomaly_found_twice_has_one_id_and_different_breaks_have_different_ids()
    {
        var a = new DetectedAnomaly(AnomalyKind.HandoverFromNonHolder, "S1", "detail", "request:PR-1", "CE-1");

        Assert.Equal(a.AnomalyId, (a with { Detail = "worded otherwise" }).AnomalyId);
        Assert.NotEqual(a.AnomalyId, (a with { EventId = "CE-2" }).AnomalyId);
        Assert.NotEqual(a.AnomalyId, (a with { Kind = AnomalyKind.SerialInTwoPlaces }).AnomalyId);
        Assert.StartsWith("AN-", a.AnomalyId);
    }

    [Fact]
    public void Anomaly_kinds_have_their_wire_names_and_anything_else_is_refused_naming_the_field()
    {
        Assert.Equal(
            ["handover-from-non-holder", "serial-in-two-places", "faulty-part-overdue", "swap-without-return", "packaging-non-compliant"],
            System.Enum.GetValues<AnomalyKind>().Select(k => k.WireName()));
        Assert.Equal(AnomalyKind.SwapWithoutReturn, AnomalyKinds.Parse("swap-without-return"));
        var refusal = Assert.Throws<InvalidFieldException>(() => AnomalyKinds.Parse("lost"));
        Assert.Equal("kind", refusal.Field);
    }

    [Fact]
    public void Steps_and_dispositions_have_their_cbv_wire_names_both_ways()
    {
        foreach (var step in System.Enum.GetValues<BusinessStep>()) Assert.Equal(step, BusinessSteps.Parse(step.WireName()));
        foreach (var d in System.Enum.GetValues<Disposition>()) Assert.Equal(d, Dispositions.Parse(((Disposition?)d).WireName()));
        Assert.Equal("stock_taking", BusinessStep.StockTaking.WireName());
        Assert.Equal("needs_replacement", ((Disposition?)Disposition.NeedsReplacement).WireName());
        Assert.Null(Dispositions.Parse(""));
    }

    [Theory]
    [InlineData("SN-001_a")]
    [InlineData("  SN1  ")]
    public void A_serial_is_letters_digits_dashes_and_underscores(string serial) =>
        Assert.Equal(serial.Trim(), Serials.Check(serial));

    [Theory]
    [InlineData("")]
    [InlineData("SN 1")]
    [InlineData("SN.1")]
    [InlineData("SN/1")]
    public void Anything_else_is_refused_naming_the_serial(string serial) =>
        Assert.Equal("serial", Assert.Throws<InvalidFieldException>(() => Serials.Check(serial)).Field);

    [Fact]
    public void A_serial_longer_than_64_characters_is_refused() =>
        Assert.Throws<InvalidFieldException>(() => Serials.Check(new string('S', 65)));

    [Fact]
    public void Page_tokens_round_trip_and_foreign_ones_are_refused_naming_the_field()
    {
        var at = T0.AddTicks(10);
        Assert.Equal((at, 42L), PageTokens.ParseHistory(PageTokens.History(at, 42)));
        Assert.Equal(7L, PageTokens.ParseAnomalies(PageTokens.Anomalies(7)));
        Assert.Null(PageTokens.ParseHistory(""));
        Assert.Null(PageTokens.ParseAnomalies(null));

        Assert.Equal("page_token", Assert.Throws<InvalidFieldException>(() => PageTokens.ParseHistory(PageTokens.Anomalies(7))).Field);
        Assert.Throws<InvalidFieldException>(() => PageTokens.ParseAnomalies(PageTokens.History(at, 1)));
        Assert.Throws<InvalidFieldException>(() => PageTokens.ParseHistory("%%%"));
        Assert.Throws<InvalidFieldException>(() => PageTokens.ParseHistory("aDE6LTE6Mg"));
    }
}
