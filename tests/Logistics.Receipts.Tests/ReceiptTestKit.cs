using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Tests;

/// <summary>A delivery of S1..S3 (or of a quantity) on r-17 to eng-1, and receipts signed for it.</summary>
internal static class ReceiptTestKit
{
    public static readonly DateTimeOffset Delivered = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);
    public static readonly ReceiptPolicy Policy = ReceiptPolicy.Default;

    public static ExpectedHandover Expected(string[]? shipped = null, string[]? signed = null) =>
        new("r-17", ReceiptKind.CentreToEngineer, Addressee.Engineer("eng-1"), "wh-1", Delivered, shipped ?? ["S1", "S2", "S3"], signed ?? []);

    /// <summary>A part tracked by quantity: nothing serialized was shipped.</summary>
    public static ExpectedHandover ByQuantity() => Expected(shipped: []);

    public static ReceiptContent Content(string[] serials, GoodsCondition condition = GoodsCondition.Ok, int? quantity = null) =>
        new(serials, quantity ?? serials.Length, new PackagingCheck(true, true), condition, "");

    public static Receipt Sign(ReceiptContent content, ExpectedHandover? expected = null, string id = "rc-1") =>
        Receipt.Sign(id, ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered.AddHours(1), content, expected ?? Expected(), Policy);
}
