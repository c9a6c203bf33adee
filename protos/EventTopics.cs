namespace Logistics.Events.V1;

/// <summary>The pub/sub topic of each integration event, named once for publishers and subscribers.</summary>
public static class EventTopics
{
    public const string PartCatalogued = "part-catalogued";
    public const string CentreDefined = "centre-defined";
    public const string StockMovementRecorded = "stock-movement-recorded";
    public const string StockReservationChanged = "stock-reservation-changed";
    public const string PartRequestSubmitted = "part-request-submitted";
    public const string PartRequestApproved = "part-request-approved";
    public const string PartRequestRejected = "part-request-rejected";
    public const string PartRequestCancelled = "part-request-cancelled";
    public const string PartRequestReservationChanged = "part-request-reservation-changed";
    public const string PartRequestShipped = "part-request-shipped";
    public const string PartRequestDelivered = "part-request-delivered";
    public const string PartInstalled = "part-installed";
    public const string PartRequestClosed = "part-request-closed";
    public const string ReceiptSigned = "receipt-signed";
    public const string TransitInvestigationChanged = "transit-investigation-changed";
    public const string ReturnInspected = "return-inspected";
    public const string ReturnChanged = "return-changed";
    public const string DoaClaimApproved = "doa-claim-approved";
    public const string DoaClaimChanged = "doa-claim-changed";
    public const string StockCountChanged = "stock-count-changed";
    public const string DispositionChanged = "disposition-changed";
    public const string TransferChanged = "transfer-changed";
    public const string CustodyAnomalyDetected = "custody-anomaly-detected";
    public const string CustodyAnomalyResolved = "custody-anomaly-resolved";
}
