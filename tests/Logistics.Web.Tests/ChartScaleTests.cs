using Logistics.Web.Components.Dashboards;

namespace Logistics.Web.Tests;

/// <summary>A chart's value axis follows the data: a week of one or two requests is not drawn against an axis to 20.</summary>
public sealed class ChartScaleTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(5, 1)]
    [InlineData(9, 2)]
    [InlineData(20, 5)]
    [InlineData(37, 10)]
    [InlineData(100, 20)]
    [InlineData(480, 100)]
    [InlineData(12_345, 5_000)]
    public void About_five_round_ticks_cover_the_largest_value(double largest, int spacing) =>
        Assert.Equal(spacing, ChartScale.TickSpacing(largest));

    [Fact]
    public void No_value_still_gets_a_valid_axis() => Assert.Equal(1, ChartScale.TickSpacing(double.NaN));
}
