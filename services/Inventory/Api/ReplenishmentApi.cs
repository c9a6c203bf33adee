using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Replenishment;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using ExpectedGoodsInProto = Logistics.Inventory.V1.ExpectedGoodsIn;
using StockLimitProto = Logistics.Inventory.V1.StockLimit;

namespace Logistics.Inventory.Api;

/// <summary>
/// Replenishment: thin over <see cref="ReplenishmentPlanner"/>, <see cref="Proposal"/> and
/// <see cref="Domain.Replenishment.ExpectedGoodsIn"/>. Warehouse staff and supervisors act for their own centres only.
/// Every write runs in one Postgres transaction with its idempotency key; a refused one writes nothing.
/// </summary>
public sealed class ReplenishmentApi(Commands commands, CatalogueCache catalogue, ReplenishmentStore store, Replenisher replenisher, TimeProvider clock)
    : ReplenishmentService.ReplenishmentServiceBase
{
    public const int DefaultProposals = 20;
    public const int MaxProposals = 100;
    public const int DefaultAsns = 50;

    public override async Task<StockLimitProto> SetStockLimit(SetStockLimitRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var centre = await RequireCentreAsync(request.CentreId, ct);
        caller.RequireCentre(centre.CentreId);
        var partNumber = Require.Code(request.PartNumber, "part_number", CataloguePart.MaxPartNumberLength);
        var part = await catalogue.PartAsync(partNumber, ct) ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        var (min, max) = Domain.Replenishment.StockLimit.Check(request.ReorderPoint, request.OrderUpTo);
        var limit = new Domain.Replenishment.StockLimit(centre.CentreId, part.PartNumber, min, max, caller.UserId, clock.GetUtcNow());
        return await commands.RunAsync(context, request, async tx =>
        {
            await ReplenishmentStore.SetLimitAsync(tx, limit, ct);
            return ToProto(limit);
        });
    }

    public override async Task<ListStockLimitsResponse> ListStockLimits(ListStockLimitsRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        return new ListStockLimitsResponse { Limits = { (await store.LimitsAsync(centre.CentreId, null, context.CancellationToken)).Select(ToProto) } };
    }

    public override async Task<ReplenishmentProposal> ProposeReplenishment(ProposeReplenishmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var centre = await RequireCentreAsync(request.CentreId, ct);
        caller.RequireCentre(centre.CentreId);
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        if (key is not null && (key.Length == 0 || key.Length > Commands.MaxKeyLength))
            throw new InvalidFieldException(Commands.IdempotencyKeyHeader, $"must be 1 to {Commands.MaxKeyLength} characters");
        // The id comes from the caller's key: a retried "propose now" finds its proposal made and returns it.
        var id = "RP-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]).ToUpperInvariant();
        var proposal = await replenisher.ProposeAsync(centre.CentreId, id, Proposal.OnDemand, caller.UserId, clock.GetUtcNow(), ct);
        if (proposal.CentreId != centre.CentreId)
            throw new InvalidFieldException(Commands.IdempotencyKeyHeader, $"'{key}' was already used for a different request");
        return ToProto(proposal);
    }

    public override async Task<ListReplenishmentProposalsResponse> ListReplenishmentProposals(ListReplenishmentProposalsRequest request, ServerCallContext context)
    {
        var centre = await RequireCentreAsync(request.CentreId, context.CancellationToken);
        Caller.From(context).RequireCentre(centre.CentreId);
        var size = request.PageSize == 0 ? DefaultProposals
            : request.PageSize is < 0 or > MaxProposals ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxProposals}") : request.PageSize;
        return new ListReplenishmentProposalsResponse { Proposals = { (await store.ProposalsAsync(centre.CentreId, size, context.CancellationToken)).Select(ToProto) } };
    }

    public override async Task<ReplenishmentProposal> GetReplenishmentProposal(GetReplenishmentProposalRequest request, ServerCallContext context)
    {
        var proposal = await store.ReadProposalAsync(Require.Code(request.ProposalId, "proposal_id", 64), context.CancellationToken);
        Caller.From(context).RequireCentre(proposal.CentreId);
        return ToProto(proposal);
    }

    public override Task<AcceptReplenishmentProposalResponse> AcceptReplenishmentProposal(AcceptReplenishmentProposalRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var id = Require.Code(request.ProposalId, "proposal_id", 64);
        var changes = request.Lines.Select(l => new LineChange(l.PartNumber, l.Action, l.Quantity, l.Supplier)).ToList();
        return commands.RunAsync(context, request, async tx =>
        {
            var proposal = await ReplenishmentStore.ReadProposalForUpdateAsync(tx, id, ct);
            caller.RequireCentre(proposal.CentreId);
            var at = clock.GetUtcNow();
            // One ASN per supplier of this proposal: its number names the proposal and the supplier.
            // A transfer line asks for one transfer; its id names the proposal and the part, so it is made once.
            var (accepted, asns) = proposal.Accept(changes, caller.UserId, at,
                supplier => $"ASN-{Fingerprint.Hex(proposal.ProposalId, supplier)[..12].ToUpperInvariant()}",
                part => $"TRF-{Fingerprint.Hex(proposal.ProposalId, part)[..16].ToUpperInvariant()}");
            await ReplenishmentStore.UpdateProposalAsync(tx, accepted, ct);
            foreach (var asn in asns) await ReplenishmentStore.InsertAsnAsync(tx, asn, ct);
            var serialized = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var d in accepted.Decisions.Where(d => d.Action == LineAction.Transfer))
                serialized[d.PartNumber] = (await catalogue.PartAsync(d.PartNumber, ct))?.Serialized ?? true;
            foreach (var transfer in accepted.TransfersToRequest(part => serialized[part]))
            {
                await TransferStore.InsertAsync(tx, transfer, ct);
                await InventoryEvents.PublishTransferChangedAsync(tx, transfer, transfer.State, caller.UserId, at, ct);
            }
            return new AcceptReplenishmentProposalResponse { Proposal = ToProto(accepted), ExpectedGoodsIn = { asns.Select(ToProto) } };
        });
    }

    public override async Task<ListExpectedGoodsInResponse> ListExpectedGoodsIn(ListExpectedGoodsInRequest request, ServerCallContext context)
    {
        var centres = Caller.From(context).CentresToList(string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id"));
        var state = request.State switch
        {
            "" or null => "",
            "Open" or "Closed" => request.State,
            _ => throw new InvalidFieldException("state", $"'{request.State}' is not a state (Open, Closed)"),
        };
        var size = request.PageSize == 0 ? DefaultAsns
            : request.PageSize < 0 || request.PageSize > ReplenishmentStore.MaxPageSize
                ? throw new InvalidFieldException("page_size", $"must be between 1 and {ReplenishmentStore.MaxPageSize}") : request.PageSize;
        var offset = string.IsNullOrEmpty(request.PageToken) ? 0
            : int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1_000_000 ? n
            : throw new InvalidFieldException("page_token", "is not a token this API gave");
        var rows = await store.AsnsAsync(centres, state, offset, size, context.CancellationToken);
        return new ListExpectedGoodsInResponse
        {
            ExpectedGoodsIn = { rows.Take(size).Select(ToProto) },
            NextPageToken = rows.Count > size ? (offset + size).ToString(CultureInfo.InvariantCulture) : "",
        };
    }

    public override async Task<ExpectedGoodsInProto> GetExpectedGoodsIn(GetExpectedGoodsInRequest request, ServerCallContext context)
    {
        var asn = await store.ReadAsnAsync(AsnId(request.AsnId), context.CancellationToken);
        Caller.From(context).RequireCentre(asn.CentreId);
        return ToProto(asn);
    }

    public static string AsnId(string? value) => Require.Code(value, "asn_id", 64);

    private async Task<SparePartCentre> RequireCentreAsync(string? centreId, CancellationToken ct)
    {
        var id = Require.Code(centreId, "centre_id");
        return await catalogue.CentreAsync(id, ct) ?? throw new NotFoundException($"centre {id} does not exist");
    }

    private static StockLimitProto ToProto(Domain.Replenishment.StockLimit l) => new()
    {
        CentreId = l.CentreId, PartNumber = l.PartNumber, ReorderPoint = l.ReorderPoint, OrderUpTo = l.OrderUpTo, SetBy = l.SetBy,
        SetAt = Timestamp.FromDateTimeOffset(l.SetAt),
    };

    public static ReplenishmentProposal ToProto(Proposal p) => new()
    {
        ProposalId = p.ProposalId, CentreId = p.CentreId, State = p.State.ToString(), Trigger = p.Trigger, CreatedBy = p.CreatedBy,
        CreatedAt = Timestamp.FromDateTimeOffset(p.CreatedAt), DecidedBy = p.DecidedBy,
        DecidedAt = p.DecidedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        Lines =
        {
            p.Lines.Select(l => new ReplenishmentLine
            {
                PartNumber = l.PartNumber, Quantity = l.Quantity, Available = l.Available, Incoming = l.Incoming, ReorderPoint = l.ReorderPoint,
                OrderUpTo = l.OrderUpTo, Source = l.Source.ToString().ToLowerInvariant(), SourceCentre = l.SourceCentre, Supplier = l.Supplier,
            }),
        },
        Decisions =
        {
            p.Decisions.Select(d => new ReplenishmentDecision
            {
                PartNumber = d.PartNumber, Action = d.Action.ToString().ToLowerInvariant(), Quantity = d.Quantity, Supplier = d.Supplier,
                SourceCentre = d.SourceCentre, AsnId = d.AsnId, TransferId = d.TransferId,
            }),
        },
    };

    public static ExpectedGoodsInProto ToProto(Domain.Replenishment.ExpectedGoodsIn a) => new()
    {
        AsnId = a.AsnId, CentreId = a.CentreId, Supplier = a.Supplier, ProposalId = a.ProposalId, State = a.State.ToString(), CreatedBy = a.CreatedBy,
        CreatedAt = Timestamp.FromDateTimeOffset(a.CreatedAt), ClosedAt = a.ClosedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        Lines = { a.Lines.Select(l => new ExpectedPart { PartNumber = l.PartNumber, Quantity = l.Quantity, Serials = { l.Serials } }) },
        Check =
        {
            a.Check().Select(c => new ExpectedGoodsInCheckLine
            {
                PartNumber = c.PartNumber, Expected = c.Expected, Received = c.Received, Status = c.Status.ToString(),
                UnexpectedSerials = { c.UnexpectedSerials }, MissingSerials = { c.MissingSerials },
            }),
        },
    };
}
