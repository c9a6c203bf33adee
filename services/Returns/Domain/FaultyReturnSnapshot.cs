namespace Logistics.Returns.Domain;

/// <summary>
/// Everything a <see cref="FaultyReturn"/> knows, as plain data: what the store keeps (as a JSON document) and what
/// <see cref="FaultyReturn.Restore"/> rebuilds the return from. Empty strings, never nulls, for text not known yet.
/// </summary>
public sealed record FaultyReturnSnapshot
{
    public required string ReturnId { get; init; }
    public required ReturnKind Kind { get; init; }

    /// <summary>The part request whose swap opened it; for a dead unit, the request the dead unit came with.</summary>
    public string RequestId { get; init; } = "";
    public string DoaClaimId { get; init; } = "";

    /// <summary>The engineer holding the faulty part, the only one who packs and ships it.</summary>
    public required string EngineerId { get; init; }
    public required string CentreId { get; init; }
    public required string PartNumber { get; init; }
    public required string Serial { get; init; }

    /// <summary>The good part that replaced it (for a dead unit: known once the replacement shipped).</summary>
    public string ReplacementSerial { get; init; } = "";
    public string EquipmentId { get; init; } = "";
    public string TicketId { get; init; } = "";
    public string SiteId { get; init; } = "";
    public required string OpenedBy { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the deadline clock started (see <see cref="ReturnPolicy"/>).</summary>
    public required DateTimeOffset ClockStartedAt { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset UnreturnedAt { get; init; }

    public ReturnState State { get; init; } = ReturnState.Open;
    public bool Overdue { get; init; }
    public bool Escalated { get; init; }
    public bool Unreturned { get; init; }

    public Packing? Packing { get; init; }
    public string Carrier { get; init; } = "";
    public string TrackingNo { get; init; } = "";
    public string ShippedBy { get; init; } = "";
    public DateTimeOffset? ShippedAt { get; init; }

    public string ReceiptId { get; init; } = "";
    public string ReceivedBy { get; init; } = "";
    public DateTimeOffset? ReceivedAt { get; init; }
    public bool EsdNonCompliant { get; init; }

    public InspectionResult? InspectionResult { get; init; }
    public string InspectionBin { get; init; } = "";
    public string InspectionNote { get; init; } = "";
    public string InspectedBy { get; init; } = "";
    public DateTimeOffset? InspectedAt { get; init; }

    public IReadOnlyList<ReturnStep> History { get; init; } = [];
}
