using Logistics.Doa.Domain;
using Logistics.Hosting.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Doa.Tests;

public sealed class DoaSettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static DoaPolicy From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<DoaSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<DoaSettings>().Policy;

    [Fact]
    public void Without_settings_the_defaults_apply()
    {
        Assert.Equal(DoaPolicy.Default, From([]));
    }

    [Fact]
    public void The_window_is_a_setting()
    {
        Assert.Equal(DoaPolicy.Default with { Window = TimeSpan.FromHours(24) }, From(new() { ["Doa:Window"] = "1.00:00:00" }));
    }

    [Fact]
    public void A_window_that_is_not_positive_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { ["Doa:Window"] = "00:00:00" }));
        Assert.Contains("Doa:Window", e.Message);
    }
}
