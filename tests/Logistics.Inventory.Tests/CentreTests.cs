using Logistics.Inventory.Domain;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests;

public sealed class CentreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static SparePartCentre Shenzhen() =>
        SparePartCentre.Apply(null, SparePartCentre.Define("SZ-01", "Shenzhen spare-part centre", ["A-01", "A-02"]), T0)!;

    [Fact]
    public void A_new_centre_starts_at_version_1_with_its_bins() =>
        Assert.Equal(["A-01", "A-02"], Shenzhen().Bins);

    [Fact]
    public void Bins_can_be_added_and_the_version_moves_on()
    {
        var next = SparePartCentre.Apply(Shenzhen(), SparePartCentre.Define("SZ-01", "Shenzhen spare-part centre", ["A-01", "A-02", "B-01"]), T0.AddDays(1))!;

        Assert.Equal(2, next.Version);
        Assert.Contains("B-01", next.Bins);
    }

    [Fact]
    public void The_same_definition_again_changes_nothing() =>
        Assert.Null(SparePartCentre.Apply(Shenzhen(), SparePartCentre.Define("SZ-01", "Shenzhen spare-part centre", ["A-01", "A-02"]), T0));

    [Fact]
    public void A_bin_cannot_be_removed()
    {
        var e = Assert.Throws<RuleViolationException>(() =>
            SparePartCentre.Apply(Shenzhen(), SparePartCentre.Define("SZ-01", "Shenzhen", ["A-01"]), T0));

        Assert.Contains("A-02", e.Message);
    }

    [Theory]
    [InlineData(new string[0], "at least one bin")]
    [InlineData(new[] { "A-01", "A-01" }, "listed twice")]
    [InlineData(new[] { "A 01" }, "may contain only")]
    public void Bad_bins_are_refused(string[] bins, string problem)
    {
        var e = Assert.Throws<InvalidFieldException>(() => SparePartCentre.Define("SZ-01", "Shenzhen", bins));

        Assert.Equal("bins", e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_bin_outside_the_centre_is_refused_naming_the_field()
    {
        Assert.Equal("A-02", Shenzhen().RequireBin("A-02"));
        Assert.Equal("bin", Assert.Throws<InvalidFieldException>(() => Shenzhen().RequireBin("Z-99")).Field);
    }

    [Fact]
    public void A_new_centre_runs_on_utc_and_monday_to_friday_unless_it_names_a_zone_and_a_calendar()
    {
        Assert.Equal(("UTC", "mon-fri"), (Shenzhen().TimeZone, Shenzhen().CalendarId));
        var local = SparePartCentre.Apply(null, SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], "Asia/Shanghai", "cn"), T0)!;
        Assert.Equal(("Asia/Shanghai", "cn"), (local.TimeZone, local.CalendarId));
    }

    [Fact]
    public void A_zone_or_calendar_left_out_keeps_the_centre_s_and_a_change_is_a_new_version()
    {
        var local = SparePartCentre.Apply(null, SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], "Asia/Shanghai", "cn"), T0)!;
        Assert.Null(SparePartCentre.Apply(local, SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"]), T0));
        var moved = SparePartCentre.Apply(local, SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], "Asia/Hong_Kong"), T0)!;
        Assert.Equal(("Asia/Hong_Kong", "cn", 2L), (moved.TimeZone, moved.CalendarId, moved.Version));
    }

    [Fact]
    public void A_zone_that_is_not_an_iana_id_and_a_calendar_id_that_is_not_a_code_are_refused()
    {
        Assert.Equal("time_zone", Assert.Throws<InvalidFieldException>(() => SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], "Beijing time")).Field);
        Assert.Equal("time_zone", Assert.Throws<InvalidFieldException>(() => SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], "China Standard Time")).Field);
        Assert.Equal("calendar_id", Assert.Throws<InvalidFieldException>(() => SparePartCentre.Define("SZ-02", "Shenzhen", ["A-01"], null, "c n")).Field);
    }
}
