using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Receipts.V1;
using Logistics.SharedKernel;
using PackagingCheckProto = Logistics.Receipts.V1.PackagingCheck;
using ReceiptDiscrepancyProto = Logistics.Receipts.V1.ReceiptDiscrepancy;
using ReceiptProto = Logistics.Receipts.V1.Receipt;

namespace Logistics.Receipts.Api;

/// <summary>Signed handovers: thin over the domain's <see cref="Domain.Receipt"/> and the <see cref="ReceiptBook"/>.</summary>
public sealed partial class ReceiptsApi(
    Commands commands, ReceiptBook book, ReceiptsTable receipts, ShipmentsTable shipments, TransitBook transit, TransitInvestigationsTable investigations,
    TimeProvider clock)
    : ReceiptsService.ReceiptsServiceBase
{
    public const int MaxIdLength = 64;

    /// <summary>The receiving party signs: the engineer a delivery is addressed to, or warehouse staff for a centre.</summary>
    public override Task<ReceiptProto> SignReceipt(SignReceiptRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var kind = ReceiptCodes.ParseKind(request.Kind);
        var reference = Require.Code(request.Reference, "reference", MaxIdLength);
        var content = Content(request.Serials, request.Quantity, request.Packaging, request.Condition, request.Note, request.DeadOnArrival);
        var receiptId = NewReceiptId(context, caller);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var signed = await book.SignAsync(tx, receiptId, kind, reference, new Signer(caller.UserId, caller.IsIn(Roles.Warehouse), caller.ActsForEveryCentre ? null : caller.Centres), content, Now(), ct);
            await ReceiptEvents.PublishSignedAsync(tx, signed.Receipt, signed.Shipment, ct);
            if (signed.Investigation is { } arrived) await ReceiptEvents.PublishArrivalAsync(tx, arrived, caller.UserId, signed.Receipt.SignedAt, ct);
            return ToProto(signed.Receipt, signed.Shipment);
        });
    }

    public override async Task<ReceiptProto> GetReceipt(GetReceiptRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var receiptId = Require.Code(request.ReceiptId, "receipt_id", MaxIdLength);
        var receipt = await receipts.FindAsync(receiptId, ct) ?? throw new NotFoundException($"receipt {receiptId} does not exist");
        var shipment = await ShipmentOfAsync(receipt.Reference, ct);
        RequireReadable(Caller.From(context), receipt.Reference, shipment, [receipt]);
        return ToProto(receipt, shipment);
    }

    /// <summary>Every receipt on one reference (one handover and its corrections): all of them or, when the caller may not read them, 403.</summary>
    public override async Task<ListReceiptsResponse> ListReceipts(ListReceiptsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var reference = Require.Code(request.Reference, "reference", MaxIdLength);
        var onReference = await receipts.ListAsync(reference, ct);
        var response = new ListReceiptsResponse();
        if (onReference.Count == 0) return response;
        var shipment = await ShipmentOfAsync(reference, ct);
        RequireReadable(Caller.From(context), reference, shipment, onReference);
        response.Receipts.AddRange(onReference.Select(r => ToProto(r, shipment)));
        return response;
    }

    /// <summary>
    /// Who reads the receipts of a handover: the engineer it was addressed to, who handed it over, or who signed one of
    /// them; warehouse staff and supervisors of its centre; delivery managers, auditors and admins anywhere.
    /// </summary>
    private static void RequireReadable(Caller caller, string reference, Shipment shipment, IReadOnlyCollection<Domain.Receipt> onReference)
    {
        if (caller.ActsForEveryCentre || caller.IsIn(Roles.DeliveryManager)) return;
        if ((caller.IsIn(Roles.Warehouse) || caller.IsIn(Roles.Supervisor)) && caller.CanActFor(shipment.CentreId)) return;
        if (caller.IsIn(Roles.Engineer) && IsPartyTo(caller.UserId, shipment, onReference)) return;
        throw new NotAllowedException(caller.IsIn(Roles.Warehouse) || caller.IsIn(Roles.Supervisor)
            ? $"{caller.CentreRefusal(shipment.CentreId)} (receipts on {reference})"
            : $"the receipts on {reference} are neither addressed to {caller.UserId}, handed over by them nor signed by them");
    }

    private static bool IsPartyTo(string userId, Shipment shipment, IReadOnlyCollection<Domain.Receipt> onReference) =>
        (!shipment.AddressedTo.IsCentre && shipment.AddressedTo.Party == userId)
        || shipment.HandedOverBy == userId
        || onReference.Any(r => r.ReceivedBy == userId || r.CorrectedBy == userId);

    /// <summary>The signer or a supervisor corrects: a new receipt supersedes the old, which stays readable.</summary>
    public override Task<ReceiptProto> CorrectReceipt(CorrectReceiptRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var receiptId = Require.Code(request.ReceiptId, "receipt_id", MaxIdLength);
        var content = Content(request.Serials, request.Quantity, request.Packaging, request.Condition, request.Note, request.DeadOnArrival);
        var newReceiptId = NewReceiptId(context, caller);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var corrected = await book.CorrectAsync(tx, receiptId, newReceiptId, caller.UserId, shipment => CorrectsAsSupervisor(caller, shipment), content, Now(), ct);
            await ReceiptEvents.PublishSignedAsync(tx, corrected.Receipt, corrected.Shipment, ct);
            if (corrected.Investigation is { } arrived) await ReceiptEvents.PublishArrivalAsync(tx, arrived, caller.UserId, Now(), ct);
            return ToProto(corrected.Receipt, corrected.Shipment);
        });
    }

    /// <summary>
    /// Staff correct only at the handover's centre (the signer too, who worked there when signing); an engineer correcting
    /// the receipt of a delivery to them needs no centre. A supervisor of the centre may correct anyone's receipt.
    /// </summary>
    private static bool CorrectsAsSupervisor(Caller caller, Shipment shipment)
    {
        var ownDelivery = !shipment.AddressedTo.IsCentre && shipment.AddressedTo.Party == caller.UserId;
        if (ownDelivery) return false;
        if (caller.IsIn(Roles.Warehouse) || caller.IsIn(Roles.Supervisor)) caller.RequireCentre(shipment.CentreId);
        return caller.IsIn(Roles.Supervisor);
    }

    /// <summary>"RC-" and 16 hex digits; with an idempotency key, made from it so that a retry names the same receipt.</summary>
    private static string NewReceiptId(ServerCallContext context, Caller caller)
    {
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        return "RC-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]);
    }

    /// <summary>Now, to the microsecond Postgres keeps: the receipt answered is the receipt read back later.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private async Task<Shipment> ShipmentOfAsync(string reference, CancellationToken ct) =>
        await shipments.FindAsync(reference, ct) ?? throw new InvalidOperationException($"receipts exist on {reference} but no shipment");

    private static ReceiptContent Content(
        IEnumerable<string> serials, int quantity, PackagingCheckProto? packaging, string condition, string note, bool deadOnArrival)
    {
        Domain.PackagingCheck? check = null;
        if (packaging is not null)
        {
            // The signer states both checks; a check left out is not taken as passed.
            if (!packaging.HasOuterIntact) throw new InvalidFieldException("packaging.outer_intact", "is required (was the outer box intact?)");
            if (!packaging.HasEsdBagSealed) throw new InvalidFieldException("packaging.esd_bag_sealed", "is required (was the ESD bag still sealed?)");
            check = new Domain.PackagingCheck(packaging.OuterIntact, packaging.EsdBagSealed);
        }
        return new ReceiptContent([.. serials], quantity, check, ReceiptCodes.ParseCondition(condition), note, deadOnArrival);
    }

    private static ReceiptProto ToProto(Domain.Receipt r, Shipment s)
    {
        var proto = new ReceiptProto
        {
            ReceiptId = r.ReceiptId,
            Kind = r.Kind.Code(),
            Reference = r.Reference,
            HandedOverBy = r.HandedOverBy,
            ReceivedBy = r.ReceivedBy,
            SignedAt = Timestamp.FromDateTimeOffset(r.SignedAt),
            Serials = { r.Serials },
            Quantity = r.Quantity,
            Packaging = new PackagingCheckProto { OuterIntact = r.Packaging.OuterIntact, EsdBagSealed = r.Packaging.EsdBagSealed },
            Condition = r.Condition.Code(),
            Note = r.Note,
            DeadOnArrival = r.DeadOnArrival,
            AcceptedSerials = { r.AcceptedSerials },
            Discrepancies = { r.Discrepancies.Select(d => new ReceiptDiscrepancyProto { Serial = d.Serial, Problem = d.Problem }) },
            MissingSerials = { r.MissingSerials },
            OutstandingSerials = { r.OutstandingSerials },
            FlaggedForDoa = r.FlaggedForDoa,
            Supersedes = r.Supersedes ?? "",
            CorrectedBy = r.CorrectedBy ?? "",
            SupersededBy = r.SupersededBy ?? "",
            CentreId = s.CentreId,
            PartNumber = s.PartNumber,
            SiteId = s.SiteId,
        };
        if (r.SupersededAt is { } at) proto.SupersededAt = Timestamp.FromDateTimeOffset(at);
        return proto;
    }
}
