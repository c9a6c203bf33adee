using Logistics.Inventory.Domain.Counts;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Short builders for count tests: centre SZ-01, count C-7, counters alice and bob, supervisor sup-1.</summary>
internal static class Kit
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    public const string Centre = "SZ-01";
    public const string Alice = "alice";
    public const string Bob = "bob";
    public const string Carol = "carol";

    public static readonly CountViewer Supervisor = new("sup-1", CountRole.Supervisor);

    public static CountViewer Warehouse(string id) => new(id, CountRole.Warehouse);

    public static CountScope Bins(params string[] bins) => CountScope.Define(Centre, bins, null, CountPolicy.Default);

    public static CountScope Parts(params string[] parts) => CountScope.Define(Centre, null, parts, CountPolicy.Default);

    public static StockCount Open(CountScope scope, string id = "C-7", bool? blind = null, CountPolicy? policy = null) =>
        StockCount.Open(id, scope, blind, "wh-lead", policy ?? CountPolicy.Default, T0);

    public static StockCount Started(CountScope scope, params ExpectedLine[] snapshot) => Started(scope, CountPolicy.Default, snapshot);

    public static StockCount Started(CountScope scope, CountPolicy policy, params ExpectedLine[] snapshot)
    {
        var count = Open(scope, policy: policy);
        count.Start(snapshot, T0.AddMinutes(1));
        return count;
    }

    public static ExpectedLine Serial(string bin, string part, params string[] serials) =>
        new(bin, part, CountTracking.Serialized, serials.Length, serials);

    public static ExpectedLine Qty(string part, long quantity) => new("", part, CountTracking.Quantity, quantity, []);

    public static LineCount Seen(string bin, string part, params string[] serials) => new(bin, part, serials.Length, serials);

    public static LineCount Counted(string part, long quantity) => new("", part, quantity, []);

    public static void Submit(this StockCount count, string counter, params LineCount[] lines) =>
        count.SubmitLines(lines, counter, T0.AddMinutes(10));

    public static CloseResult Close(this StockCount count) => count.Close(T0.AddHours(1));

    public static IReadOnlyList<CountAdjustment> Approve(this StockCount count, string approver = "sup-1",
        IReadOnlyDictionary<CountLineKey, string>? reasons = null) => count.Approve(approver, reasons, T0.AddHours(2));

    public static void Cancel(this StockCount count, string by = "sup-1") => count.Cancel(by, T0.AddHours(3));

    public static ReviewLine Line(this CountReview review, string bin, string part) =>
        review.Lines.Single(l => l.Bin == bin && l.PartNumber == part);

    public static CountSheetLine Line(this CountSheet sheet, string bin, string part) =>
        sheet.Lines.Single(l => l.Bin == bin && l.PartNumber == part);

    public static CountLineKey Key(string bin, string part) => new(bin, part);
}
