namespace Logistics.Events.V1;

/// <summary>The pub/sub topic of each integration event, named once for publishers and subscribers.</summary>
public static class EventTopics
{
    public const string PartCatalogued = "part-catalogued";
    public const string StockMovementRecorded = "stock-movement-recorded";
    public const string PartRequestApproved = "part-request-approved";
    public const string PartRequestCancelled = "part-request-cancelled";
    public const string PartRequestShipped = "part-request-shipped";
    public const string ReceiptSigned = "receipt-signed";
    public const string ReturnInspected = "return-inspected";
    public const string StockCountChanged = "stock-count-changed";
}
