using Logistics.Doa.Domain;

namespace Logistics.Doa.Tests;

/// <summary>A unit delivered to eng-1 on PR-1 at <see cref="Delivered"/>, and filings for it.</summary>
internal static class DoaTestKit
{
    public static readonly DateTimeOffset Delivered = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    public static readonly DoaPolicy Policy = DoaPolicy.Default;

    public static readonly Delivery Unit = new("S1", "PR-1", "P-100", "C-1", "SITE-9", "eng-1", Delivered, "RC-1");

    public static readonly Filer Manager = new("dm-1", IsDeliveryManager: true);
    public static readonly Filer Engineer = new("eng-1", IsDeliveryManager: false);

    public static DoaFiling Unboxing(DateTimeOffset? detectedOn = null, bool? outerIntact = true, string[]? evidence = null, DateTimeOffset? siteAcceptedAt = null) =>
        new("PR-1", "S1", "unboxing", detectedOn ?? Delivered.AddHours(1), null, "no power", evidence ?? ["PHOTO-1"], outerIntact, siteAcceptedAt);

    public static DoaFiling PowerOn(DateTimeOffset? firstPowerOn, DateTimeOffset? detectedOn = null, string detectedAt = "power-on") =>
        new("PR-1", "S1", detectedAt, detectedOn ?? firstPowerOn, firstPowerOn, "fans spin, no link", ["UR-7"], true, null);

    /// <summary>Files at <paramref name="now"/> (default: two hours after delivery).</summary>
    public static DoaClaim File(DoaFiling? filing = null, Filer? filer = null, Delivery? delivery = null, EarlierClaim[]? earlier = null,
        DateTimeOffset? now = null, DoaPolicy? policy = null, string id = "DOA-1", bool noDelivery = false) =>
        DoaClaim.File(id, filing ?? Unboxing(), filer ?? Manager, noDelivery ? null : delivery ?? Unit, "T-42", earlier ?? [],
            policy ?? Policy, now ?? Delivered.AddHours(2));

    /// <summary>A claim filed by dm-1 and approved by dm-2.</summary>
    public static DoaClaim Approved()
    {
        var claim = File();
        claim.Approve("dm-2", Delivered.AddHours(3));
        return claim;
    }

    /// <summary>An approved claim whose replacement was shipped, received and whose dead unit came back.</summary>
    public static DoaClaim Returned()
    {
        var claim = Approved();
        claim.RecordReplacementShipped("R1", "wh-1", Delivered.AddHours(4));
        claim.RecordReplacementReceived("RC-9", "R1", "eng-1", Delivered.AddHours(6));
        claim.RecordUnitReturned("RET-1", "wh-2", Delivered.AddDays(3));
        return claim;
    }
}
