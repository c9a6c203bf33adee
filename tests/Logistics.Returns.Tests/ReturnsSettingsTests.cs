using Logistics.Hosting.Settings;
using Logistics.Returns.Domain;
using Logistics.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Returns.Tests;

public sealed class ReturnsSettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static ReturnsSettings From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<ReturnsSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<ReturnsSettings>();

    [Fact]
    public void Without_settings_the_defaults_apply()
    {
        var settings = From([]);
        Assert.Equal(ReturnPolicy.Default, settings.Policy);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.OverdueScanInterval);
        Assert.Equal(500, settings.OverdueScanBatchSize);
    }

    [Fact]
    public void The_deadlines_and_the_scan_are_settings()
    {
        var settings = From(new()
        {
            ["Returns:SwapReturnWithin"] = "5.00:00:00", ["Returns:OverdueScanInterval"] = "00:00:00.2", ["Returns:OverdueScanBatchSize"] = "7",
        });
        Assert.Equal(TimeSpan.FromDays(5), settings.Policy.SwapReturnWithin);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.OverdueScanInterval);
        Assert.Equal(7, settings.OverdueScanBatchSize);
    }

    [Theory]
    [InlineData("Returns:OverdueScanInterval", "00:00:00")]
    [InlineData("Returns:OverdueScanBatchSize", "0")]
    [InlineData("Returns:SwapReturnWithin", "-1.00:00:00")]
    [InlineData("Returns:DeadUnitReturnWithin", "00:00:00")]
    [InlineData("Returns:UnreturnedAfter", "00:00:00")]
    public void A_value_that_cannot_be_meant_stops_the_start_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { [key] = value }));
        Assert.Contains(key.Split(':')[1], e.Message);
    }

    [Fact]
    public void The_services_appsettings_holds_every_key_with_its_default() =>
        ServiceAppSettings.AssertEveryKeyWithItsDefault<ReturnsSettings>("Returns", ReturnsSettings.Section);
}
