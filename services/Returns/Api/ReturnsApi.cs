using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.Returns.Events;
using Logistics.Returns.V1;
using Logistics.SharedKernel;
using FaultTagProto = Logistics.Returns.V1.FaultTag;
using FaultyReturnProto = Logistics.Returns.V1.FaultyReturn;

namespace Logistics.Returns.Api;

/// <summary>
/// Faulty-part returns (<c>protos/logistics/returns/v1</c>): thin over the domain's <see cref="Domain.FaultyReturn"/> and the
/// <see cref="ReturnStore"/>. Every change runs through <see cref="Commands"/> (one transaction with its outbox events, and
/// the idempotency key); a refused command throws before anything is written.
/// </summary>
public sealed partial class ReturnsApi(Commands commands, ReturnStore store, ReturnsReportQuery returnsReport, TimeProvider clock) : ReturnsService.ReturnsServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>
    /// An engineer reads the returns they hold; warehouse staff and supervisors those sent to their centres; a delivery
    /// manager those of dead units a DOA claim concerns.
    /// </summary>
    public override async Task<FaultyReturnProto> GetReturn(GetReturnRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var returnId = ReturnIdOf(request.ReturnId);
        var r = await store.FindAsync(returnId, context.CancellationToken) ?? throw NotFound(returnId);
        if (IsCentreStaff(caller) && caller.CanActFor(r.CentreId)) return ToProto(r);
        if (caller.IsIn(Roles.DeliveryManager) && r.DoaClaimId != "") return ToProto(r);
        if (IsCentreStaff(caller) && r.EngineerId != caller.UserId) throw new NotAllowedException(caller.CentreRefusal(r.CentreId) + $" (return {returnId})");
        if (caller.IsIn(Roles.DeliveryManager) && !caller.IsIn(Roles.Engineer))
            throw new NotAllowedException($"return {returnId} is not the return of a dead unit a DOA claim concerns; a delivery manager reads only those");
        r.EnsureVisibleTo(caller.UserId, seesEveryReturn: false);
        return ToProto(r);
    }

    public override async Task<ListReturnsResponse> ListReturns(ListReturnsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var filter = Filter(request, caller);
        var size = PageSize(request.PageSize);
        var (page, next) = await store.ListAsync(filter, ReturnCursor.Parse(request.PageToken), size, context.CancellationToken);
        return new ListReturnsResponse { Returns = { page.Select(ToProto) }, NextPageToken = next?.ToToken() ?? "" };
    }

    public override Task<FaultyReturnProto> PackReturn(PackReturnRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var returnId = ReturnIdOf(request.ReturnId);
        var entry = ToEntry(request);
        return Change(context, request, returnId, r => r.Pack(caller.UserId, entry, clock.GetUtcNow()));
    }

    public override Task<FaultyReturnProto> ShipReturn(ShipReturnRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var returnId = ReturnIdOf(request.ReturnId);
        return Change(context, request, returnId, r => r.Ship(caller.UserId, request.Carrier, request.TrackingNo, clock.GetUtcNow()));
    }

    public override Task<FaultyReturnProto> InspectReturn(InspectReturnRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var returnId = ReturnIdOf(request.ReturnId);
        return Change(context, request, returnId, r =>
        {
            caller.RequireCentre(r.CentreId);
            r.Inspect(caller.UserId, request.Result, request.Bin, request.Note, clock.GetUtcNow());
        });
    }

    /// <summary>Load for update, apply the domain command, save with its events, answer with the return.</summary>
    private Task<FaultyReturnProto> Change(ServerCallContext context, Google.Protobuf.IMessage request, string returnId, Action<Domain.FaultyReturn> command) =>
        commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var r = await store.FindForUpdateAsync(tx, returnId, ct) ?? throw NotFound(returnId);
            command(r);
            await ReturnChanges.SaveAsync(store, tx, r, ct);
            return ToProto(r);
        });

    /// <summary>Warehouse staff and supervisors see returns by centre (auditors and admins do not read returns).</summary>
    public static bool IsCentreStaff(Caller caller) => caller.IsIn(Roles.Warehouse) || caller.IsIn(Roles.Supervisor);

    public static string ReturnIdOf(string? returnId) => Require.Code(returnId, "return_id", 64);

    private static NotFoundException NotFound(string returnId) => new($"return {returnId} does not exist");

    /// <summary>
    /// The list filter: staff see their centres' returns (centre_id narrows to one of them; another centre is refused), a
    /// delivery manager the dead units' returns, an engineer their own (asking for another engineer's is refused).
    /// </summary>
    public static ReturnFilter Filter(ListReturnsRequest request, Caller caller)
    {
        var engineer = string.IsNullOrWhiteSpace(request.EngineerId) ? null : Require.Text(request.EngineerId, "engineer_id");
        var centre = string.IsNullOrWhiteSpace(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id");
        IReadOnlyCollection<string>? centres = centre is null ? null : [centre];
        var doaOnly = false;
        if (IsCentreStaff(caller))
            centres = caller.CentresToList(centre);
        else if (caller.IsIn(Roles.DeliveryManager))
            doaOnly = true;
        else
        {
            if (engineer is not null && engineer != caller.UserId)
                throw new NotAllowedException($"an engineer sees only their own returns; {caller.UserId} cannot list those of {engineer}");
            engineer = caller.UserId;
        }
        ReturnState? state = string.IsNullOrWhiteSpace(request.State) ? null : ReturnStates.Parse(request.State);
        return new ReturnFilter(engineer, state, request.Overdue, centres, doaOnly);
    }

    public static int PageSize(int requested) =>
        requested == 0 ? DefaultPageSize
        : requested < 0 || requested > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {requested})")
        : requested;

    public static PackingEntry ToEntry(PackReturnRequest request)
    {
        var tag = request.FaultTag;
        return new PackingEntry(
            request.HasInGoodPartPackaging ? request.InGoodPartPackaging : null,
            request.HasEsdBagSealed ? request.EsdBagSealed : null,
            request.SealedWith,
            request.HasEsdSymbol ? request.EsdSymbol : null,
            tag is null
                ? null
                : new FaultTagEntry(tag.Category, tag.Reference, tag.PartNumber, tag.Serial, tag.FaultDate?.ToDateTimeOffset(), tag.Symptom,
                    tag.CategoryCode, tag.SoftwareVersion, tag.HasDataRemovalConfirmed ? tag.DataRemovalConfirmed : null, tag.TicketId));
    }

    public static FaultyReturnProto ToProto(Domain.FaultyReturn r)
    {
        var proto = new FaultyReturnProto
        {
            ReturnId = r.ReturnId,
            RequestId = r.RequestId,
            DoaClaimId = r.DoaClaimId,
            EngineerId = r.EngineerId,
            CentreId = r.CentreId,
            PartNumber = r.PartNumber,
            Serial = r.Serial,
            ReplacementSerial = r.ReplacementSerial,
            EquipmentId = r.EquipmentId,
            TicketId = r.TicketId,
            State = r.State.ToString(),
            OpenedAt = Timestamp.FromDateTimeOffset(r.OpenedAt),
            DueAt = Timestamp.FromDateTimeOffset(r.DueAt),
            Overdue = r.Overdue,
            Escalated = r.Escalated,
            Unreturned = r.Unreturned,
            Carrier = r.Carrier,
            TrackingNo = r.TrackingNo,
            ReceiptId = r.ReceiptId,
            EsdNonCompliant = r.EsdNonCompliant,
            InspectionResult = r.InspectionResult?.Code() ?? "",
            InspectedBy = r.InspectedBy,
            InspectionNote = r.InspectionNote,
            ExpectedCategoryCode = r.ExpectedCategoryCode,
        };
        if (r.ShippedAt is { } shipped) proto.ShippedAt = Timestamp.FromDateTimeOffset(shipped);
        if (r.ReceivedAt is { } received) proto.ReceivedAt = Timestamp.FromDateTimeOffset(received);
        if (r.InspectedAt is { } inspected) proto.InspectedAt = Timestamp.FromDateTimeOffset(inspected);
        if (r.FaultTag is { } tag)
            proto.FaultTag = new FaultTagProto
            {
                Category = tag.Category,
                Reference = tag.Reference,
                PartNumber = tag.PartNumber,
                Serial = tag.Serial,
                FaultDate = Timestamp.FromDateTimeOffset(tag.FaultDate),
                Symptom = tag.Symptom,
                CategoryCode = tag.CategoryCode,
                SoftwareVersion = tag.SoftwareVersion,
                DataRemovalConfirmed = tag.DataRemovalConfirmed,
                TicketId = tag.TicketId,
            };
        return proto;
    }
}
