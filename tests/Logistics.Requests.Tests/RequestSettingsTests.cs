using Logistics.Hosting.Settings;
using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Requests.Tests;

public sealed class RequestSettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static RequestPolicy From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<RequestSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<RequestSettings>().Policy;

    [Fact]
    public void Without_settings_the_defaults_apply()
    {
        Assert.Equal(RequestPolicy.Default, From([]));
    }

    [Fact]
    public void The_quota_and_the_quantity_are_settings()
    {
        var policy = From(new() { ["Requests:OpenRequestQuota"] = "3", ["Requests:MaxAutoApprovedQuantity"] = "1" });
        Assert.Equal(3, policy.OpenRequestQuota);
        Assert.Equal(1, policy.MaxAutoApprovedQuantity);
        Assert.Equal(ServiceLevelPolicy.Default, policy.ServiceLevels);
    }

    [Fact]
    public void A_negative_setting_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { ["Requests:OpenRequestQuota"] = "-1" }));
        Assert.Contains("OpenRequestQuota", e.Message);
    }

    [Fact]
    public void The_services_appsettings_holds_every_key_with_its_default() =>
        ServiceAppSettings.AssertEveryKeyWithItsDefault<RequestSettings>("Requests", RequestSettings.Section);
}
