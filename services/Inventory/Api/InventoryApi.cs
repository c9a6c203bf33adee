using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Api;

public sealed partial class InventoryApi(
    Commands commands, PartsTable parts, CentresTable centres, CatalogueCache catalogue, StockStore stock, MovementLedger ledger, StockReconciler reconciler,
    StockRebuilder rebuilder, MovementDrain drain, SerialClaims claims, StockReportQuery stockReport, ReplenishmentStore replenishment, Npgsql.NpgsqlDataSource dataSource,
    TimeProvider clock)
    : InventoryService.InventoryServiceBase
{
    public override async Task<Part> PutPart(PutPartRequest request, ServerCallContext context)
    {
        var definition = CataloguePart.Define(request.PartNumber, request.Description, request.Serialized, request.Unit, request.Supplier);
        var part = await commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var current = await parts.FindForUpdateAsync(tx, definition.PartNumber, ct);
            var next = CataloguePart.Apply(current, definition, clock.GetUtcNow());
            if (next is null) return ToProto(current!);
            await parts.SaveAsync(tx, next, ct);
            await InventoryEvents.PublishPartCataloguedAsync(tx, next, ct);
            return ToProto(next);
        });
        catalogue.ForgetPart(definition.PartNumber); // committed: the stock calls read the new definition from now on
        return part;
    }

    public override async Task<Part> GetPart(GetPartRequest request, ServerCallContext context)
    {
        var partNumber = Require.Code(request.PartNumber, "part_number", CataloguePart.MaxPartNumberLength);
        var part = await parts.FindAsync(partNumber, context.CancellationToken)
            ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        return ToProto(part);
    }

    /// <summary>Any signed-in user searches the catalogue (the pickers of the console); the gateway requires a token.</summary>
    public override async Task<ListPartsResponse> ListParts(ListPartsRequest request, ServerCallContext context)
    {
        var search = CatalogueSearch.Define("parts", request.Query, request.PageSize, request.PageToken);
        var (page, more) = await parts.SearchAsync(search, context.CancellationToken);
        return new ListPartsResponse
        {
            Parts = { page.Select(ToProto) },
            NextPageToken = more ? CatalogueSearch.Token("parts", page[^1].PartNumber) : "",
        };
    }

    public override async Task<Centre> PutCentre(PutCentreRequest request, ServerCallContext context)
    {
        var definition = SparePartCentre.Define(request.CentreId, request.Name, request.Bins, request.TimeZone, request.CalendarId);
        var centre = await commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var current = await centres.FindForUpdateAsync(tx, definition.CentreId, ct);
            var next = SparePartCentre.Apply(current, definition, clock.GetUtcNow());
            if (next is null) return ToProto(current!);
            await centres.SaveAsync(tx, next, ct);
            await InventoryEvents.PublishCentreDefinedAsync(tx, next, ct);
            return ToProto(next);
        });
        catalogue.ForgetCentre(definition.CentreId); // committed: the stock calls see the new bins from now on
        return centre;
    }

    public override async Task<Centre> GetCentre(GetCentreRequest request, ServerCallContext context) =>
        ToProto(await RequireCentreAsync(request.CentreId, context.CancellationToken));

    /// <summary>Any signed-in user searches the centres (where to ask for a part); staff act only at their own.</summary>
    public override async Task<ListCentresResponse> ListCentres(ListCentresRequest request, ServerCallContext context)
    {
        var search = CatalogueSearch.Define("centres", request.Query, request.PageSize, request.PageToken);
        var (page, more) = await centres.SearchAsync(search, context.CancellationToken);
        return new ListCentresResponse
        {
            Centres = { page.Select(ToProto) },
            NextPageToken = more ? CatalogueSearch.Token("centres", page[^1].CentreId) : "",
        };
    }

    private async Task<SparePartCentre> RequireCentreAsync(string? centreId, CancellationToken ct)
    {
        var id = Require.Code(centreId, "centre_id");
        return await catalogue.CentreAsync(id, ct) ?? throw new NotFoundException($"centre {id} does not exist");
    }

    private static Centre ToProto(SparePartCentre centre) => new()
    {
        CentreId = centre.CentreId,
        Name = centre.Name,
        Bins = { centre.Bins },
        Version = centre.Version,
        UpdatedAt = Timestamp.FromDateTimeOffset(centre.UpdatedAt),
        TimeZone = centre.TimeZone,
        CalendarId = centre.CalendarId,
    };

    private static Part ToProto(CataloguePart part) => new()
    {
        PartNumber = part.PartNumber,
        Description = part.Description,
        Serialized = part.Serialized,
        Unit = part.Unit,
        Supplier = part.Supplier,
        Version = part.Version,
        UpdatedAt = Timestamp.FromDateTimeOffset(part.UpdatedAt),
    };
}
