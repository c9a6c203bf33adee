using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Receipts.V1;
using Logistics.SharedKernel;
using TransitInvestigationProto = Logistics.Receipts.V1.TransitInvestigation;

namespace Logistics.Receipts.Api;

/// <summary>Lost-in-transit investigations (docs/lost-in-transit.md): thin over <see cref="Domain.TransitInvestigation"/> and the <see cref="Data.TransitBook"/>.</summary>
public sealed partial class ReceiptsApi
{
    private const int MaxListed = 500;

    /// <summary>Delivery managers and auditors see every centre's; warehouse staff and supervisors only their centres'.</summary>
    public override async Task<ListTransitInvestigationsResponse> ListTransitInvestigations(ListTransitInvestigationsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var openOnly = request.State.Trim().ToLowerInvariant() switch
        {
            "" or "open" => true,
            "all" => false,
            _ => throw new InvalidFieldException("state", $"'{request.State}' is not open or all"),
        };
        var centre = request.CentreId.Trim() == "" ? null : Require.Code(request.CentreId, "centre_id", MaxIdLength);
        var centres = caller.CentresToList(centre, Roles.DeliveryManager);
        var found = await investigations.ListAsync(openOnly, centres, MaxListed, context.CancellationToken);
        return new ListTransitInvestigationsResponse { Investigations = { found.Select(ToProto) } };
    }

    public override async Task<TransitInvestigationProto> GetTransitInvestigation(GetTransitInvestigationRequest request, ServerCallContext context)
    {
        var id = Require.Code(request.InvestigationId, "investigation_id", MaxIdLength + 3);
        var investigation = await investigations.FindAsync(id, context.CancellationToken) ?? throw new NotFoundException($"investigation {id} does not exist");
        Caller.From(context).RequireCentre(investigation.Shipment.CentreId, Roles.DeliveryManager);
        return ToProto(investigation);
    }

    /// <summary>A delivery manager, or warehouse staff of the shipment's centre, files the carrier claim and proposes the write-off.</summary>
    public override Task<TransitInvestigationProto> ProposeTransitLoss(ProposeTransitLossRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var id = Require.Code(request.InvestigationId, "investigation_id", MaxIdLength + 3);
        // The fields are checked before the transaction: a refusal names the field and writes nothing.
        Require.Text(request.CarrierClaimReference, "carrier_claim_reference", Domain.TransitPolicy.MaxClaimReferenceLength);
        return commands.RunAsync(context, request, async tx =>
        {
            var changed = await transit.ProposeLossAsync(tx, id, i =>
            {
                caller.RequireCentre(i.Shipment.CentreId, Roles.DeliveryManager);
                return caller.UserId;
            }, request.CarrierClaimReference, request.Note, Now(), context.CancellationToken);
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, changed, TransitInvestigationSteps.LossProposed, caller.UserId, context.CancellationToken);
            return ToProto(changed);
        });
    }

    /// <summary>A supervisor of the shipment's centre, not the proposer, approves the write-off.</summary>
    public override Task<TransitInvestigationProto> ApproveTransitWriteOff(ApproveTransitWriteOffRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var id = Require.Code(request.InvestigationId, "investigation_id", MaxIdLength + 3);
        return commands.RunAsync(context, request, async tx =>
        {
            var changed = await transit.ApproveWriteOffAsync(tx, id, i =>
            {
                caller.RequireCentre(i.Shipment.CentreId);
                return caller.UserId;
            }, Now(), context.CancellationToken);
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, changed, TransitInvestigationSteps.WrittenOff, caller.UserId, context.CancellationToken);
            return ToProto(changed);
        });
    }

    private static TransitInvestigationProto ToProto(Domain.TransitInvestigation i)
    {
        var proto = new TransitInvestigationProto
        {
            InvestigationId = i.InvestigationId,
            State = i.State.ToString(),
            Reference = i.Reference,
            CentreId = i.Shipment.CentreId,
            PartNumber = i.Shipment.PartNumber,
            Serials = { i.Units.Serials },
            Quantity = i.Units.Quantity,
            ShippedQuantity = i.Shipment.Quantity,
            EngineerId = i.Shipment.AddressedTo.Party,
            ShippedAt = Timestamp.FromDateTimeOffset(i.Shipment.ShippedAt),
            DeliverBy = Timestamp.FromDateTimeOffset(i.DeliverBy),
            OpenedAt = Timestamp.FromDateTimeOffset(i.OpenedAt),
            FoundReceiptId = i.FoundReceiptId ?? "",
            CarrierClaimReference = i.CarrierClaimReference ?? "",
            Note = i.Note ?? "",
            ProposedBy = i.ProposedBy ?? "",
            ApprovedBy = i.ApprovedBy ?? "",
        };
        if (i.ClosedAt is { } closed) proto.ClosedAt = Timestamp.FromDateTimeOffset(closed);
        if (i.ProposedAt is { } proposed) proto.ProposedAt = Timestamp.FromDateTimeOffset(proposed);
        if (i.ApprovedAt is { } approved) proto.ApprovedAt = Timestamp.FromDateTimeOffset(approved);
        return proto;
    }
}
