using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Requests.Data;
using Logistics.Requests.V1;
using Logistics.SharedKernel;
using Microsoft.AspNetCore.Authorization;

namespace Logistics.Requests.Api;

[Authorize]
public sealed class PartRequestsApi(RequestablePartsTable requestableParts) : PartRequestsService.PartRequestsServiceBase
{
    public override async Task<RequestablePart> GetRequestablePart(GetRequestablePartRequest request, ServerCallContext context)
    {
        var partNumber = Require.Code(request.PartNumber, "part_number");
        var part = await requestableParts.FindAsync(partNumber, context.CancellationToken)
            ?? throw new NotFoundException($"part {partNumber} is not (yet) in the catalogue known to requests");
        return new RequestablePart
        {
            PartNumber = part.PartNumber,
            Description = part.Description,
            Serialized = part.Serialized,
            Unit = part.Unit,
            CatalogueVersion = part.CatalogueVersion,
            ReceivedAt = Timestamp.FromDateTimeOffset(part.ReceivedAt),
        };
    }
}
