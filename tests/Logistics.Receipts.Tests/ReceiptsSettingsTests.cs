using Logistics.Hosting.Settings;
using Logistics.Receipts.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Receipts.Tests;

public sealed class ReceiptsSettingsTests
{
    /// <summary>Bound and checked as the service does at start.</summary>
    private static ReceiptsSettings From(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddServiceSettings<ReceiptsSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider()
            .GetRequiredService<ReceiptsSettings>();

    [Fact]
    public void Without_settings_the_defaults_apply()
    {
        var settings = From([]);
        Assert.Equal((ReceiptPolicy.Default, TransitPolicy.Default), (settings.Policy, settings.Transit));
    }

    [Fact]
    public void The_windows_the_note_length_and_the_scan_interval_are_settings()
    {
        var settings = From(new()
        {
            ["Receipts:ProblemReportWindow"] = "5.00:00:00", ["Receipts:MaxNoteLength"] = "200",
            ["Receipts:TransitGracePeriod"] = "1.00:00:00", ["Receipts:TransitScanInterval"] = "00:00:30", ["Receipts:TransferTransitAllowance"] = "5.00:00:00",
        });
        Assert.Equal(ReceiptPolicy.Default with { ProblemReportWindow = TimeSpan.FromDays(5), MaxNoteLength = 200 }, settings.Policy);
        Assert.Equal(TransitPolicy.Default with { GracePeriod = TimeSpan.FromDays(1), ScanInterval = TimeSpan.FromSeconds(30), TransferTransitAllowance = TimeSpan.FromDays(5) }, settings.Transit);
    }

    [Theory]
    [InlineData("Receipts:MaxNoteLength", "0")]
    [InlineData("Receipts:ProblemReportWindow", "-1.00:00:00")]
    [InlineData("Receipts:TransitScanInterval", "00:00:00")]
    [InlineData("Receipts:TransferTransitAllowance", "00:00:00")]
    public void A_value_out_of_range_stops_the_start_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => From(new() { [key] = value }));
        Assert.Contains(key.Split(':')[1], e.Message);
    }
}
