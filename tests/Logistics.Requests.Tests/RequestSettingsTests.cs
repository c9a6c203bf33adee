using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Microsoft.Extensions.Configuration;

namespace Logistics.Requests.Tests;

public sealed class RequestSettingsTests
{
    private static RequestPolicy From(Dictionary<string, string?> values) =>
        RequestSettings.PolicyFrom(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

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
    public void A_negative_setting_stops_the_start()
    {
        Assert.Throws<InvalidOperationException>(() => From(new() { ["Requests:OpenRequestQuota"] = "-1" }));
    }
}
