using Logistics.Hosting.Time;
using Logistics.Testing;

namespace Logistics.Hosting.Tests;

public sealed class OffsetTimeProviderTests
{
    [Fact]
    public async Task The_clock_follows_the_offset_written_in_the_file()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "offset");
        await File.WriteAllTextAsync(file, "10.00:00:00");
        var clock = new OffsetTimeProvider(file);

        var moved = clock.GetUtcNow() - DateTimeOffset.UtcNow;
        Assert.InRange(moved, TimeSpan.FromDays(10) - TimeSpan.FromSeconds(5), TimeSpan.FromDays(10) + TimeSpan.FromSeconds(5));

        await File.WriteAllTextAsync(file, "-01:00:00");
        await Eventually.Until(() => Task.FromResult(clock.GetUtcNow() < DateTimeOffset.UtcNow), TimeSpan.FromSeconds(5), "the new offset read");
        Assert.InRange(DateTimeOffset.UtcNow - clock.GetUtcNow(), TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public void A_missing_or_unreadable_file_means_no_offset()
    {
        using var folder = new TempFolder();
        var clock = new OffsetTimeProvider(Path.Combine(folder.Path, "absent"));
        Assert.InRange(clock.GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
    }
}
