using Logistics.Hosting.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Inventory.Tests;

public sealed class InventorySettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static InventorySettings From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<InventorySettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<InventorySettings>();

    [Fact]
    public void Without_settings_the_proposal_is_made_from_six_and_looked_for_every_ten_minutes()
    {
        var settings = From([]);
        Assert.Equal((new TimeOnly(6, 0), TimeSpan.FromMinutes(10)), (settings.ReplenishmentDailyAt, settings.ReplenishmentCheckInterval));
    }

    [Fact]
    public void The_time_and_the_interval_are_settings()
    {
        var settings = From(new() { ["Inventory:ReplenishmentDailyAt"] = "05:30", ["Inventory:ReplenishmentCheckInterval"] = "00:01:00" });
        Assert.Equal((new TimeOnly(5, 30), TimeSpan.FromMinutes(1)), (settings.ReplenishmentDailyAt, settings.ReplenishmentCheckInterval));
    }

    [Fact]
    public void An_interval_that_is_not_positive_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { ["Inventory:ReplenishmentCheckInterval"] = "00:00:00" }));
        Assert.Contains("Inventory:ReplenishmentCheckInterval", e.Message);
    }
}
