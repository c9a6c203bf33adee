namespace Logistics.Web.Components.Pages.Counts;

/// <summary>The words the count and ledger screens show for the API's codes (each then goes through the localizer).</summary>
public static class CountWords
{
    public static readonly string[] MovementKinds =
        ["goods-in", "reserved", "backordered", "released", "shipped", "received", "faulty-in", "quarantined", "to-stock", "scrapped", "adjusted"];

    public static string Kind(string kind) => kind switch
    {
        "goods-in" => "Goods in",
        "reserved" => "Reserved",
        "backordered" => "Backordered",
        "released" => "Released",
        "shipped" => "Shipped",
        "received" => "Received",
        "faulty-in" => "Faulty in",
        "quarantined" => "Quarantined",
        "to-stock" => "Back to stock",
        "scrapped" => "Scrapped",
        "adjusted" => "Adjusted",
        _ => kind,
    };

    public static string LineStatus(string status) => status switch
    {
        "to-count" => "To count",
        "counted" => "Counted",
        "to-recount" => "To recount",
        "recounted" => "Recounted",
        _ => status,
    };
}
