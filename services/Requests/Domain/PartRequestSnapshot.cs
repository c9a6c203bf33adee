namespace Logistics.Requests.Domain;

/// <summary>
/// Everything a <see cref="PartRequest"/> holds, as plain data: what the store keeps (<see cref="PartRequest.ToSnapshot"/>)
/// and gives back (<see cref="PartRequest.Restore"/>). The service level is its code.
/// </summary>
public sealed record PartRequestSnapshot(
    string RequestId,
    string TicketId,
    string SiteId,
    string CentreId,
    string PartNumber,
    int Quantity,
    string ServiceLevel,
    DateTimeOffset ShipBy,
    DateTimeOffset DeliverBy,
    string EngineerId,
    string? FaultySerial,
    DateTimeOffset SubmittedAt,
    string? DoaClaimId,
    RequestState State,
    bool AutoApproved,
    string AwaitingApprovalBecause,
    string? ApprovedBy,
    string? RejectedBy,
    string? RejectionReason,
    string? CancelledBy,
    Shipment? Shipment,
    Installation? Installation,
    string? ReturnId,
    IReadOnlyList<string> DeliveredSerials,
    IReadOnlyList<string> DiscrepancySerials,
    IReadOnlyList<RequestTransition> History,
    string? ReplacesRequestId = null,
    string? LostInTransitInvestigationId = null,
    IReadOnlyList<ApprovalHold>? ApprovalHolds = null); // null in documents stored before holds were kept
