using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;
using Logistics.Requests.Events;
using Logistics.Requests.V1;
using Logistics.SharedKernel;
using ApprovalHoldProto = Logistics.Requests.V1.ApprovalHold;
using EsdPackagingProto = Logistics.Requests.V1.EsdPackaging;
using PartRequest = Logistics.Requests.Domain.PartRequest;
using PartRequestProto = Logistics.Requests.V1.PartRequest;
using RequestablePartProto = Logistics.Requests.V1.RequestablePart;

namespace Logistics.Requests.Api;

/// <summary>
/// Part requests: thin over the domain's <see cref="PartRequest"/> and the <see cref="PartRequestStore"/>. Every command
/// runs in one transaction (<see cref="Commands"/>): the request is loaded with its row locked, changed by the domain,
/// stored, and its event written to the outbox; a refused command writes nothing.
/// </summary>
public sealed partial class PartRequestsApi(
    Commands commands, RequestablePartsTable requestableParts, KnownCentresTable centres, PartRequestStore requests, ShelfSerialsTable shelf,
    FaultyPartReturnsTable faultyReturns, WorkingTimeStore workingTime, ServiceLevelReportQuery serviceLevelReport, RequestPolicy policy, TimeProvider clock)
    : PartRequestsService.PartRequestsServiceBase
{
    private const int MaxRequestIdLength = 64;

    public override async Task<RequestablePartProto> GetRequestablePart(GetRequestablePartRequest request, ServerCallContext context)
    {
        var partNumber = Require.Code(request.PartNumber, "part_number");
        var part = await requestableParts.FindAsync(partNumber, context.CancellationToken)
            ?? throw new NotFoundException($"part {partNumber} is not (yet) in the catalogue known to requests");
        return new RequestablePartProto
        {
            PartNumber = part.PartNumber,
            Description = part.Description,
            Serialized = part.Serialized,
            Unit = part.Unit,
            CatalogueVersion = part.CatalogueVersion,
            ReceivedAt = Timestamp.FromDateTimeOffset(part.ReceivedAt),
        };
    }

    /// <summary>
    /// The engineer (from the token) requests a serialized part. Their submits run one at a time (a lock on the engineer),
    /// so two at once cannot both be approved within the quota. With replaces_request_id it asks again for the engineer's
    /// request lost in transit (same ticket, site, centre and part), once: a second replacement is refused.
    /// </summary>
    public override Task<PartRequestProto> RequestParts(RequestPartsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        // With an idempotency key the id comes from it, so a retry names the same request.
        var requestId = "PR-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            await tx.LockAsync("engineer:" + caller.UserId, ct);
            var standing = new EngineerStanding(
                await requests.CountOpenAsync(tx, caller.UserId, ct), await faultyReturns.HoldsUnreturnedAsync(tx, caller.UserId, ct));
            var now = clock.GetUtcNow();
            var clocks = await workingTime.ClocksForAsync(request.CentreId, request.SiteId, ct);
            var replaces = await ReplacedAsync(tx, request.ReplacesRequestId, ct);
            var submitted = PartRequest.Submit(
                requestId, request.TicketId, request.SiteId, request.CentreId, request.PartNumber, request.Quantity, request.ServiceLevel,
                caller.UserId, request.FaultySerial, now, standing, policy, clocks, replaces);
            await RequireRequestableAsync(submitted.CentreId, submitted.PartNumber, ct);
            await requests.InsertAsync(tx, submitted, ct);
            if (submitted.State == RequestState.Approved) await RequestEvents.ApprovedAsync(tx, submitted, ct);
            else await RequestEvents.SubmittedAsync(tx, submitted, ct);
            return ToProto(submitted, now);
        });
    }

    /// <summary>
    /// An engineer reads their own requests; warehouse staff and supervisors those of their centres; a delivery manager
    /// those a DOA claim concerns. The first rule that lets the caller read it wins (a token may carry several roles).
    /// </summary>
    public override async Task<PartRequestProto> GetPartRequest(GetPartRequestRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var requestId = RequestId(request.RequestId);
        var ct = context.CancellationToken;
        var found = await requests.FindAsync(requestId, ct)
            ?? throw new NotFoundException($"part request {requestId} does not exist");
        var readable =
            (caller.IsIn(Roles.Engineer) && found.EngineerId == caller.UserId)
            || (IsCentreStaff(caller) && caller.CanActFor(found.CentreId))
            || (caller.IsIn(Roles.DeliveryManager) && await requests.IsConcernedByDoaClaimAsync(requestId, ct));
        if (!readable)
            throw new NotAllowedException(IsCentreStaff(caller) ? caller.CentreRefusal(found.CentreId)
                : caller.IsIn(Roles.DeliveryManager) ? $"part request {requestId} is not one a DOA claim concerns; a delivery manager reads only those"
                : $"part request {requestId} belongs to another engineer; an engineer sees only their own");
        var proto = ToProto(found, clock.GetUtcNow());
        if (found.State == RequestState.LostInTransit)
            proto.ReplacedByRequestId = await requests.FindReplacementAsync(null, requestId, ct) ?? "";
        return proto;
    }

    /// <summary>
    /// The lost request a new one asks again for (null when it names none), locked; refused when it does not exist or
    /// already has its replacement (a unique index backs this up).
    /// </summary>
    private async Task<PartRequest?> ReplacedAsync(Npgsql.NpgsqlTransaction tx, string? replacesRequestId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(replacesRequestId)) return null;
        var id = Require.Code(replacesRequestId, "replaces_request_id", MaxRequestIdLength);
        var lost = await requests.FindForUpdateAsync(tx, id, ct)
            ?? throw new InvalidFieldException("replaces_request_id", $"part request {id} does not exist");
        if (await requests.FindReplacementAsync(tx, id, ct) is { } already)
            throw new RuleViolationException($"request {id} is already replaced by {already}");
        return lost;
    }

    /// <summary>
    /// Warehouse staff and supervisors list their centres' requests (centre_id narrows to one of them); a delivery manager
    /// the requests DOA claims concern; an engineer (with none of those roles) their own.
    /// </summary>
    public override async Task<ListPartRequestsResponse> ListPartRequests(ListPartRequestsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var engineerId = string.IsNullOrEmpty(request.EngineerId) ? null : Require.Text(request.EngineerId, "engineer_id");
        var centreId = string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id");
        IReadOnlyCollection<string>? centres = centreId is null ? null : [centreId];
        var concernedByDoaClaim = false;
        if (IsCentreStaff(caller))
            centres = caller.CentresToList(centreId);
        else if (caller.IsIn(Roles.DeliveryManager))
            concernedByDoaClaim = true;
        else
        {
            engineerId ??= caller.UserId;
            if (engineerId != caller.UserId)
                throw new NotAllowedException($"an engineer lists only their own requests; engineer_id {engineerId} is not {caller.UserId}");
        }
        var state = string.IsNullOrEmpty(request.State) ? (RequestState?)null : ParseState(request.State);
        var size = request.PageSize == 0 ? PartRequestStore.DefaultPageSize
            : request.PageSize < 0 || request.PageSize > PartRequestStore.MaxPageSize
                ? throw new InvalidFieldException("page_size", $"must be between 1 and {PartRequestStore.MaxPageSize} (was {request.PageSize})")
                : request.PageSize;
        var now = clock.GetUtcNow();
        var page = await requests.ListAsync(new PartRequestFilter(engineerId, state, request.Late, centres, concernedByDoaClaim), now, size, request.PageToken, context.CancellationToken);
        return new ListPartRequestsResponse { Requests = { page.Requests.Select(r => ToProto(r, now)) }, NextPageToken = page.NextPageToken };
    }

    public override Task<PartRequestProto> ApprovePartRequest(ApprovePartRequestRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return ChangeAsync(context, request, request.RequestId, async (tx, r, now, ct) =>
        {
            caller.RequireCentre(r.CentreId);
            r.Approve(caller.UserId, now);
            await requests.UpdateAsync(tx, r, ct);
            await RequestEvents.ApprovedAsync(tx, r, ct);
        });
    }

    public override Task<PartRequestProto> RejectPartRequest(RejectPartRequestRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return ChangeAsync(context, request, request.RequestId, async (tx, r, now, ct) =>
        {
            caller.RequireCentre(r.CentreId);
            r.Reject(caller.UserId, request.Reason, now);
            await requests.UpdateAsync(tx, r, ct);
            await RequestEvents.RejectedAsync(tx, r, ct);
        });
    }

    public override Task<PartRequestProto> CancelPartRequest(CancelPartRequestRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return ChangeAsync(context, request, request.RequestId, async (tx, r, now, ct) =>
        {
            // A supervisor cancels only at their centres; an engineer (the domain checks) only their own request.
            var asSupervisor = caller.IsIn(Roles.Supervisor) && r.EngineerId != caller.UserId;
            if (asSupervisor) caller.RequireCentre(r.CentreId);
            r.Cancel(caller.UserId, asSupervisor, now, request.Reason);
            await requests.UpdateAsync(tx, r, ct);
            // Inventory releases a reservation or backorder if it made one, and ignores the event otherwise.
            await RequestEvents.CancelledAsync(tx, r, ct);
        });
    }

    /// <summary>
    /// The warehouse ships a Reserved request. The serials must be on the shelf of the request's centre as units of its
    /// part (as inventory's movements have told this service) and not picked by another shipment; they are picked in the
    /// same transaction, so two shipments cannot take the same serial.
    /// </summary>
    public override Task<PartRequestProto> ShipPartRequest(ShipPartRequestRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var packaging = ToDomain(request.Packaging);
        return ChangeAsync(context, request, request.RequestId, async (tx, r, now, ct) =>
        {
            caller.RequireCentre(r.CentreId);
            r.Ship([.. request.Serials], packaging, request.Carrier, request.TrackingNo, caller.UserId, now);
            var serials = r.Shipment!.Serials;
            await ShelfSerialsTable.LockAsync(tx, r.CentreId, r.PartNumber, serials, ct);
            var known = await shelf.FindAsync(tx, r.CentreId, r.PartNumber, serials, ct);
            foreach (var picked in ShelfSerial.Pick(serials, known, r.CentreId, r.PartNumber, r.RequestId))
                await shelf.SaveAsync(tx, picked, ct);
            await requests.UpdateAsync(tx, r, ct);
            await RequestEvents.ShippedAsync(tx, r, ct);
        });
    }

    public override Task<PartRequestProto> InstallPart(InstallPartRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return ChangeAsync(context, request, request.RequestId, async (tx, r, now, ct) =>
        {
            r.Install(caller.UserId, request.InstalledSerial, request.RemovedSerial, request.EquipmentId, now);
            await requests.UpdateAsync(tx, r, ct);
            await RequestEvents.InstalledAsync(tx, r, ct);
        });
    }

    /// <summary>A command on an existing request: load it locked, let <paramref name="change"/> change and store it, answer with it.</summary>
    private Task<PartRequestProto> ChangeAsync(
        ServerCallContext context, Google.Protobuf.IMessage request, string? requestId,
        Func<Npgsql.NpgsqlTransaction, PartRequest, DateTimeOffset, CancellationToken, Task> change)
    {
        var id = RequestId(requestId);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var found = await requests.LoadForUpdateAsync(tx, id, ct);
            var now = clock.GetUtcNow();
            await change(tx, found, now, ct);
            return ToProto(found, now);
        });
    }

    /// <summary>
    /// Advance replacement ships a serialized field-replaceable unit and gets the faulty unit back by its serial; a part
    /// tracked by quantity (cables, screws) is not requested here. The centre must be one inventory defined.
    /// </summary>
    private async Task RequireRequestableAsync(string centreId, string partNumber, CancellationToken ct)
    {
        if (!await centres.ExistsAsync(centreId, ct))
            throw new NotFoundException($"centre {centreId} is not known to requests (a new centre arrives a moment after inventory defines it)");
        var part = await requestableParts.FindAsync(partNumber, ct)
            ?? throw new NotFoundException($"part {partNumber} is not in the catalogue known to requests (the catalogue may not have arrived yet)");
        if (!part.Serialized)
            throw new RuleViolationException($"part {partNumber} is not serialized; advance replacement is for serialized parts (field-replaceable units) only");
    }

    private static string RequestId(string? requestId) => Require.Code(requestId, "request_id", MaxRequestIdLength);

    /// <summary>Warehouse staff and supervisors read requests by centre (auditors and admins, who read every centre, do not call here).</summary>
    private static bool IsCentreStaff(Caller caller) => caller.IsIn(Roles.Warehouse) || caller.IsIn(Roles.Supervisor);

    private static RequestState ParseState(string text) =>
        System.Enum.GetValues<RequestState>().Cast<RequestState?>().FirstOrDefault(s => string.Equals(s.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidFieldException("state", $"'{text}' is not a state ({string.Join(", ", System.Enum.GetNames<RequestState>())})");

    /// <summary>Proto3 optional bools: left out is null (the domain then names the missing field).</summary>
    private static Domain.EsdPackaging? ToDomain(EsdPackagingProto? p) => p is null ? null
        : new Domain.EsdPackaging(p.HasEsdBagSealed ? p.EsdBagSealed : null, p.SealedWith, p.HasEsdSymbol ? p.EsdSymbol : null, p.PackageId);

    private static PartRequestProto ToProto(PartRequest r, DateTimeOffset now)
    {
        var proto = new PartRequestProto
        {
            RequestId = r.RequestId,
            TicketId = r.TicketId,
            SiteId = r.SiteId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            Quantity = r.Quantity,
            ServiceLevel = r.ServiceLevel.Code,
            EngineerId = r.EngineerId,
            FaultySerial = r.FaultySerial ?? "",
            State = r.State.ToString(),
            SubmittedAt = Timestamp.FromDateTimeOffset(r.SubmittedAt),
            ShipBy = Timestamp.FromDateTimeOffset(r.ShipBy),
            DeliverBy = Timestamp.FromDateTimeOffset(r.DeliverBy),
            AutoApproved = r.AutoApproved,
            AwaitingApprovalBecause = r.AwaitingApprovalBecause,
            ApprovalHolds = { r.ApprovalHolds.Select(h => new ApprovalHoldProto { Code = h.Code, Value = h.Value, Limit = h.Limit }) },
            ApprovedBy = r.ApprovedBy ?? "",
            RejectedBy = r.RejectedBy ?? "",
            RejectionReason = r.RejectionReason ?? "",
            CancelledBy = r.CancelledBy ?? "",
            DeliveredSerials = { r.DeliveredSerials.Order(StringComparer.Ordinal) },
            DiscrepancySerials = { r.DiscrepancySerials.Order(StringComparer.Ordinal) },
            OutstandingSerials = { r.OutstandingSerials },
            ReturnId = r.ReturnId ?? "",
            DoaClaimId = r.DoaClaimId ?? "",
            ReplacesRequestId = r.ReplacesRequestId ?? "",
            LostInTransitInvestigationId = r.LostInTransitInvestigationId ?? "",
            Late = r.IsLate(now),
            History =
            {
                r.History.Select(t => new V1.RequestTransition
                {
                    From = t.From.ToString(), To = t.To.ToString(), By = t.By, At = Timestamp.FromDateTimeOffset(t.At), Note = t.Note,
                }),
            },
        };
        if (r.Shipment is { } s)
        {
            proto.Shipment = new V1.Shipment
            {
                Serials = { s.Serials },
                Packaging = new EsdPackagingProto
                {
                    EsdBagSealed = s.Packaging.EsdBagSealed ?? false,
                    SealedWith = s.Packaging.SealedWith ?? "",
                    EsdSymbol = s.Packaging.EsdSymbol ?? false,
                    PackageId = s.Packaging.PackageId ?? "",
                },
                Carrier = s.Carrier,
                TrackingNo = s.TrackingNo,
                ShippedBy = s.ShippedBy,
                ShippedAt = Timestamp.FromDateTimeOffset(s.ShippedAt),
            };
        }
        if (r.Installation is { } i)
        {
            proto.Installation = new V1.Installation
            {
                InstalledSerial = i.InstalledSerial,
                RemovedSerial = i.RemovedSerial,
                EquipmentId = i.EquipmentId,
                InstalledBy = i.InstalledBy,
                InstalledAt = Timestamp.FromDateTimeOffset(i.InstalledAt),
            };
        }
        return proto;
    }
}
