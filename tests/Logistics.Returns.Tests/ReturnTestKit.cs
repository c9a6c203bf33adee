using Logistics.Returns.Domain;

namespace Logistics.Returns.Tests;

/// <summary>A swap return and a dead-unit return as the events open them, and a packing that passes every check.</summary>
internal static class ReturnTestKit
{
    public static readonly DateTimeOffset Delivered = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Installed = Delivered.AddHours(3);
    public static readonly DateTimeOffset Approved = new(2026, 3, 5, 12, 0, 0, TimeSpan.Zero);
    public static readonly ReturnPolicy Policy = ReturnPolicy.Default;

    public const string RequestId = "PR-17";
    public const string ClaimId = "DOA-9";
    public const string Engineer = "eng-1";
    public const string Part = "BOARD-1";
    public const string FaultySerial = "SN-BAD";
    public const string GoodSerial = "SN-GOOD";
    public const string DeadSerial = "SN-DEAD";

    public static SwapFacts Swap(string requestId = RequestId, string removed = FaultySerial, string engineer = Engineer) =>
        new(requestId, "C1", Part, engineer, "SITE-1", "T-100", "EQ-7", GoodSerial, removed, Delivered, Installed);

    public static FaultyReturn OpenSwap(string requestId = RequestId) => FaultyReturn.OpenForSwap(Swap(requestId), Policy);

    public static DeadUnitFacts DeadUnit(string claimId = ClaimId) =>
        new(claimId, "PR-3", DeadSerial, "C1", Part, "SITE-1", "T-200", Engineer, "dm-1", Approved);

    public static FaultyReturn OpenDeadUnit() => FaultyReturn.OpenForDeadUnit(DeadUnit(), Policy);

    public static FaultTagEntry Tag(string reference = RequestId, string serial = FaultySerial, string code = "F006") =>
        new("replacement", reference, Part, serial, Delivered.AddDays(-1), "no link on port 3", code, "V1", true);

    public static PackingEntry Packing(FaultTagEntry? tag = null, string? sealedWith = "tape") =>
        new(true, true, sealedWith, true, tag ?? Tag());

    /// <summary>A packing that passes for this return: the tag names its own request (or claim), serial and expected code.</summary>
    public static PackingEntry PackingFor(FaultyReturn r) =>
        Packing(Tag(r.Kind == ReturnKind.DeadUnit ? r.DoaClaimId : r.RequestId, r.Serial, r.ExpectedCategoryCode) with { PartNumber = r.PartNumber });

    public static DateTimeOffset PackedAt => Installed.AddHours(1);

    public static FaultyReturn Packed(FaultyReturn? r = null)
    {
        r ??= OpenSwap();
        r.Pack(Engineer, PackingFor(r), PackedAt);
        return r;
    }

    public static FaultyReturn Shipped(FaultyReturn? r = null)
    {
        r = Packed(r);
        r.Ship(Engineer, "DHL", "TRK-1", PackedAt.AddHours(1));
        return r;
    }

    public static ReturnReceipt Receipt(string serial = FaultySerial, bool outer = true, bool esd = true, string id = "RC-1") =>
        new(id, "wh-1", PackedAt.AddDays(2), [serial], outer, esd);

    public static FaultyReturn Received(FaultyReturn? r = null, bool outer = true, bool esd = true)
    {
        r = Shipped(r);
        r.Receive(Receipt(r.Serial, outer, esd));
        return r;
    }
}
