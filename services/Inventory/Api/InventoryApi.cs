using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using Microsoft.AspNetCore.Authorization;

namespace Logistics.Inventory.Api;

[Authorize]
public sealed class InventoryApi(Commands commands, PartsTable parts, TimeProvider clock) : InventoryService.InventoryServiceBase
{
    [Authorize(Roles = Roles.Admin)]
    public override Task<Part> PutPart(PutPartRequest request, ServerCallContext context)
    {
        var definition = CataloguePart.Define(request.PartNumber, request.Description, request.Serialized, request.Unit);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var current = await parts.FindForUpdateAsync(tx, definition.PartNumber, ct);
            var next = CataloguePart.Apply(current, definition, clock.GetUtcNow());
            if (next is null) return ToProto(current!);
            await parts.SaveAsync(tx, next, ct);
            await Outbox.EnqueueAsync(tx, EventTopics.PartCatalogued, CatalogueEvents.PartCatalogued(next), ct);
            return ToProto(next);
        });
    }

    public override async Task<Part> GetPart(GetPartRequest request, ServerCallContext context)
    {
        var partNumber = Require.Code(request.PartNumber, "part_number", CataloguePart.MaxPartNumberLength);
        var part = await parts.FindAsync(partNumber, context.CancellationToken)
            ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        return ToProto(part);
    }

    private static Part ToProto(CataloguePart part) => new()
    {
        PartNumber = part.PartNumber,
        Description = part.Description,
        Serialized = part.Serialized,
        Unit = part.Unit,
        Version = part.Version,
        UpdatedAt = Timestamp.FromDateTimeOffset(part.UpdatedAt),
    };
}
