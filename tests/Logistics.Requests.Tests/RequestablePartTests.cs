using Logistics.Requests.Domain;

namespace Logistics.Requests.Tests;

public sealed class RequestablePartTests
{
    private static RequestablePart Version(long v) => new("02312345", $"Board v{v}", true, "pcs", v, DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_first_copy_is_taken() => Assert.True(RequestablePart.Replaces(null, Version(1)));

    [Fact]
    public void A_newer_catalogue_version_replaces_the_copy() => Assert.True(RequestablePart.Replaces(Version(1), Version(2)));

    [Fact]
    public void An_older_or_equal_version_arriving_late_is_ignored()
    {
        Assert.False(RequestablePart.Replaces(Version(3), Version(2)));
        Assert.False(RequestablePart.Replaces(Version(3), Version(3)));
    }
}
