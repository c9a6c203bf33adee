using Logistics.Hosting.Settings;
using Logistics.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Custody.Tests;

public sealed class CustodySettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static CustodySettings From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<CustodySettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<CustodySettings>();

    [Fact]
    public void Without_settings_the_defaults_apply()
    {
        var settings = From([]);
        Assert.Equal(TimeSpan.FromHours(1), settings.ReturnOpenGrace);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.ReturnCheckInterval);
    }

    [Fact]
    public void The_grace_and_the_interval_are_settings()
    {
        var settings = From(new() { ["Custody:ReturnOpenGrace"] = "00:00:05", ["Custody:ReturnCheckInterval"] = "00:00:01" });
        Assert.Equal(TimeSpan.FromSeconds(5), settings.ReturnOpenGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ReturnCheckInterval);
    }

    [Theory]
    [InlineData("Custody:ReturnOpenGrace", "00:00:00")]
    [InlineData("Custody:ReturnCheckInterval", "-00:00:01")]
    public void A_zero_or_negative_duration_stops_the_start_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { [key] = value }));
        Assert.Contains(key.Split(':')[1], e.Message);
    }

    [Fact]
    public void The_services_appsettings_holds_every_key_with_its_default() =>
        ServiceAppSettings.AssertEveryKeyWithItsDefault<CustodySettings>("Custody", CustodySettings.Section);
}
