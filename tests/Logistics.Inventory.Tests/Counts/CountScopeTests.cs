using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

public sealed class CountScopeTests
{
    [Fact]
    public void A_scope_is_bins_or_part_numbers_of_one_centre()
    {
        var bins = Bins("A-01", "A-02");
        var parts = Parts("P-100");

        Assert.Equal(CountScopeKind.Bins, bins.Kind);
        Assert.Equal(["A-01", "A-02"], bins.Bins);
        Assert.Empty(bins.PartNumbers);
        Assert.Equal(CountScopeKind.PartNumbers, parts.Kind);
        Assert.Equal(["P-100"], parts.PartNumbers);
        Assert.True(bins.Covers(Key("A-01", "ANY")));
        Assert.False(bins.Covers(Key("", "ANY")));
        Assert.True(parts.Covers(Key("Z-99", "P-100")));
        Assert.True(parts.Covers(Key("", "P-100")));
    }

    [Theory]
    [InlineData(new[] { "A-01" }, new[] { "P-1" }, "part_numbers", "not both")]
    [InlineData(new string[0], new string[0], "bins", "at least one")]
    [InlineData(new[] { "A-01", "A-01" }, new string[0], "bins", "listed twice")]
    [InlineData(new[] { "A 01" }, new string[0], "bins", "may contain only")]
    [InlineData(new string[0], new[] { "P-1", "P-1" }, "part_numbers", "listed twice")]
    [InlineData(new string[0], new[] { "P/1" }, "part_numbers", "may contain only")]
    public void A_bad_scope_is_refused_naming_the_field(string[] bins, string[] parts, string field, string problem)
    {
        var e = Assert.Throws<InvalidFieldException>(() => CountScope.Define(Centre, bins, parts, CountPolicy.Default));

        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void The_centre_is_a_code() =>
        Assert.Equal("centre_id", Assert.Throws<InvalidFieldException>(() => CountScope.Define(" ", ["A-01"], null, CountPolicy.Default)).Field);

    [Fact]
    public void A_scope_larger_than_the_policy_allows_is_refused()
    {
        var policy = CountPolicy.Default with { MaxScopeEntries = 2 };

        Assert.Contains("at most 2", Assert.Throws<InvalidFieldException>(() => CountScope.Define(Centre, ["A", "B", "C"], null, policy)).Message);
    }

    [Fact]
    public void A_count_is_blind_by_default_and_the_default_is_a_setting()
    {
        Assert.True(Open(Bins("A-01")).Blind);
        Assert.False(Open(Bins("A-01"), blind: false).Blind);
        Assert.False(Open(Bins("A-01"), policy: CountPolicy.Default with { BlindByDefault = false }).Blind);
        Assert.Equal(CountState.Requested, Open(Bins("A-01")).State);
    }

    [Fact]
    public void A_count_needs_an_id_and_a_requester()
    {
        Assert.Equal("count_id", Assert.Throws<InvalidFieldException>(() => StockCount.Open("C 7", Bins("A-01"), null, "x", CountPolicy.Default, T0)).Field);
        Assert.Equal("requested_by", Assert.Throws<InvalidFieldException>(() => StockCount.Open("C-7", Bins("A-01"), null, "", CountPolicy.Default, T0)).Field);
    }

    [Fact]
    public void An_incoherent_policy_is_refused_naming_the_setting()
    {
        Assert.Equal("quantity_tolerance_percent", Assert.Throws<InvalidFieldException>(() =>
            Open(Bins("A-01"), policy: CountPolicy.Default with { QuantityTolerancePercent = -1 })).Field);
        Assert.Equal("missing_reason", Assert.Throws<InvalidFieldException>(() =>
            Open(Bins("A-01"), policy: CountPolicy.Default with { MissingReason = "lost" })).Field);
    }
}
