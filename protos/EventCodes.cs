namespace Logistics.Events.V1;

// The kinds, steps, states and results that integration events carry as strings, named once for publishers and
// subscribers (the wire stays strings; the proto comments list the same values). One type a concept.

/// <summary>ReceiptSigned.kind: who hands over to whom.</summary>
public static class ReceiptKinds
{
    public const string CentreToEngineer = "centre-to-engineer";
    public const string EngineerToCentre = "engineer-to-centre";
    public const string CarrierToSite = "carrier-to-site";
    public const string SupplierToCentre = "supplier-to-centre";
    /// <summary>A transfer between centres (docs/transfers.md): watched for loss in transit; received in inventory, never signed here.</summary>
    public const string CentreToCentre = "centre-to-centre";

    /// <summary>A spare reaching the engineer or the site: from the centre, or from the carrier for a DOA replacement.</summary>
    public static bool IsDelivery(string kind) => kind is CentreToEngineer or CarrierToSite;
}

/// <summary>ReceiptSigned.condition: the goods as found on unboxing.</summary>
public static class GoodsConditions
{
    public const string Ok = "ok";
    public const string Damaged = "damaged";
    public const string WrongPart = "wrong-part";
    public const string Missing = "missing";
}

/// <summary>TransitInvestigationChanged.step: a lost-in-transit investigation's steps.</summary>
public static class TransitInvestigationSteps
{
    public const string Opened = "opened";

    /// <summary>Some of the units under investigation arrived; the investigation goes on for the rest.</summary>
    public const string PartlyFound = "partly-found";
    public const string Found = "found";
    public const string LossProposed = "loss-proposed";
    public const string WrittenOff = "written-off";
}

/// <summary>StockMovementRecorded.kind: how units moved in a centre's ledger.</summary>
public static class StockMovementKinds
{
    public const string GoodsIn = "goods-in";
    public const string Shipped = "shipped";
    public const string Received = "received";
    public const string FaultyIn = "faulty-in";
    public const string Quarantined = "quarantined";
    public const string ToStock = "to-stock";
    public const string Scrapped = "scrapped";
    public const string Adjusted = "adjusted";
    public const string TransferShipped = "transfer-shipped";
    public const string TransferDelivered = "transfer-delivered";
    public const string TransferReceived = "transfer-received";
    public const string LostInTransit = "lost-in-transit";
    public const string SentToRepair = "sent-to-repair";
    public const string RepairedIn = "repaired-in";
    public const string RepairedToStock = "repaired-to-stock";
    public const string RepairFailed = "repair-failed";
    public const string ReturnedToSupplier = "returned-to-supplier";
    public const string WrittenOff = "written-off";
}

/// <summary>StockReservationChanged.state and PartRequestReservationChanged.state: what became of a reservation.</summary>
public static class ReservationOutcomes
{
    public const string Reserved = "reserved";
    public const string Backordered = "backordered";
    public const string Released = "released";
}

/// <summary>ReturnChanged.step: a faulty-part return's published steps.</summary>
public static class ReturnSteps
{
    public const string Opened = "opened";
    public const string Packed = "packed";
    public const string Shipped = "shipped";
    public const string Received = "received";
    public const string Overdue = "overdue";
    public const string Escalated = "escalated";
    public const string Unreturned = "unreturned";
    public const string Inspected = "inspected";
}

/// <summary>ReturnInspected.result: what the centre's inspection of a returned part found.</summary>
public static class ReturnInspectionResults
{
    public const string ConfirmedFault = "confirmed-fault";
    public const string NoFaultFound = "no-fault-found";
    public const string DamagedInTransit = "damaged-in-transit";
}

/// <summary>DoaClaimChanged.step: a DOA claim's steps.</summary>
public static class DoaClaimSteps
{
    public const string Filed = "filed";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string ReplacementShipped = "replacement-shipped";
    public const string ReplacementReceived = "replacement-received";
    public const string UnitReturned = "unit-returned";
    public const string Inspected = "inspected";
    public const string Closed = "closed";
}

/// <summary>DoaClaimChanged.result: what the warehouse's inspection of a returned dead unit found.</summary>
public static class DoaInspectionResults
{
    public const string ConfirmedDoa = "confirmed-doa";
    public const string NoFaultFound = "no-fault-found";
}

/// <summary>CustodyAnomalyDetected.kind: the breaks custody finds in a serial's chain.</summary>
public static class CustodyAnomalyKinds
{
    public const string HandoverFromNonHolder = "handover-from-non-holder";
    public const string SerialInTwoPlaces = "serial-in-two-places";
    public const string FaultyPartOverdue = "faulty-part-overdue";
    public const string SwapWithoutReturn = "swap-without-return";
    public const string PackagingNonCompliant = "packaging-non-compliant";
}
