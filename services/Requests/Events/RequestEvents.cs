using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Domain;
using Npgsql;

namespace Logistics.Requests.Events;

/// <summary>
/// The integration events of a part request, made from the domain and written to the outbox in the transaction that
/// stores the change (so both commit or neither does).
/// </summary>
public static class RequestEvents
{
    /// <summary>Submitted over the quota: it waits for a supervisor (the console's inboxes follow this).</summary>
    public static Task SubmittedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestSubmitted, new PartRequestSubmitted
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            Quantity = r.Quantity,
            EngineerId = r.EngineerId,
            AwaitingApprovalBecause = r.AwaitingApprovalBecause,
            SubmittedAt = Timestamp.FromDateTimeOffset(r.SubmittedAt),
        }, ct);

    public static Task RejectedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestRejected, new PartRequestRejected
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            EngineerId = r.EngineerId,
            RejectedBy = r.RejectedBy ?? "",
            Reason = r.RejectionReason ?? "",
            RejectedAt = Timestamp.FromDateTimeOffset(LastMoveTo(r, RequestState.Rejected)),
        }, ct);

    /// <summary>Approved (automatically at submit, by a supervisor, or as a DOA replacement): inventory reserves for it.</summary>
    public static Task ApprovedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestApproved, new PartRequestApproved
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            Quantity = r.Quantity,
            ServiceLevel = r.ServiceLevel.Code,
            EngineerId = r.EngineerId,
            RequestedAt = Timestamp.FromDateTimeOffset(r.SubmittedAt),
            ApprovedAt = Timestamp.FromDateTimeOffset(LastMoveTo(r, RequestState.Approved)),
            ApprovedBy = r.ApprovedBy ?? "",
            TicketId = r.TicketId,
            SiteId = r.SiteId,
            DoaClaimId = r.DoaClaimId ?? "",
        }, ct);

    /// <summary>Cancelled before shipping: inventory releases the reservation or backorder, if it made one.</summary>
    public static Task CancelledAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestCancelled, new PartRequestCancelled
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            CancelledAt = Timestamp.FromDateTimeOffset(LastMoveTo(r, RequestState.Cancelled)),
            CancelledBy = r.CancelledBy ?? "",
        }, ct);

    /// <summary>Inventory's answer recorded: Reserved (the centre may ship) or Backordered (waits for stock).</summary>
    public static Task ReservationChangedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestReservationChanged, new PartRequestReservationChanged
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            EngineerId = r.EngineerId,
            PartNumber = r.PartNumber,
            State = r.State == RequestState.Reserved ? ReservationOutcomes.Reserved : ReservationOutcomes.Backordered,
            ChangedAt = Timestamp.FromDateTimeOffset(LastMoveTo(r, r.State)),
        }, ct);

    public static Task ShippedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct)
    {
        var s = r.Shipment ?? throw new InvalidOperationException($"request {r.RequestId} has no shipment");
        return Outbox.EnqueueAsync(tx, EventTopics.PartRequestShipped, new PartRequestShipped
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            Serials = { s.Serials },
            Quantity = s.Serials.Count,
            Carrier = s.Carrier,
            TrackingNo = s.TrackingNo,
            PackageId = s.Packaging.PackageId ?? "",
            ShippedAt = Timestamp.FromDateTimeOffset(s.ShippedAt),
            EngineerId = r.EngineerId,
            SiteId = r.SiteId,
            TicketId = r.TicketId,
            ShippedBy = s.ShippedBy,
            DoaClaimId = r.DoaClaimId ?? "",
            SealedWith = s.Packaging.SealedWith ?? "",
            DeliverBy = Timestamp.FromDateTimeOffset(r.DeliverBy),
        }, ct);
    }

    public static Task DeliveredAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestDelivered, new PartRequestDelivered
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            EngineerId = r.EngineerId,
            SiteId = r.SiteId,
            DeliveredSerials = { r.DeliveredSerials.Order(StringComparer.Ordinal) },
            DiscrepancySerials = { r.DiscrepancySerials.Order(StringComparer.Ordinal) },
            DoaClaimId = r.DoaClaimId ?? "",
            DeliveredAt = Timestamp.FromDateTimeOffset(r.DeliveredAt ?? throw new InvalidOperationException($"request {r.RequestId} is not delivered")),
        }, ct);

    public static Task InstalledAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct)
    {
        var i = r.Installation ?? throw new InvalidOperationException($"request {r.RequestId} has no installation");
        return Outbox.EnqueueAsync(tx, EventTopics.PartInstalled, new PartInstalled
        {
            RequestId = r.RequestId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            EngineerId = r.EngineerId,
            SiteId = r.SiteId,
            TicketId = r.TicketId,
            EquipmentId = i.EquipmentId,
            InstalledSerial = i.InstalledSerial,
            RemovedSerial = i.RemovedSerial,
            // The return's due date runs from when the replacement was signed for.
            DeliveredAt = Timestamp.FromDateTimeOffset(r.DeliveredAt ?? i.InstalledAt),
            InstalledAt = Timestamp.FromDateTimeOffset(i.InstalledAt),
        }, ct);
    }

    public static Task ClosedAsync(NpgsqlTransaction tx, PartRequest r, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.PartRequestClosed, new PartRequestClosed
        {
            RequestId = r.RequestId,
            ReturnId = r.ReturnId ?? "",
            ClosedAt = Timestamp.FromDateTimeOffset(LastMoveTo(r, RequestState.Closed)),
        }, ct);

    private static DateTimeOffset LastMoveTo(PartRequest r, RequestState state) =>
        r.History.LastOrDefault(t => t.To == state)?.At ?? throw new InvalidOperationException($"request {r.RequestId} never became {state}");
}
