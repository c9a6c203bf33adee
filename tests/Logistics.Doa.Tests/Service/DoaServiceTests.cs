using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Doa.V1;
using Logistics.Events.V1;
using Logistics.Testing;

namespace Logistics.Doa.Tests.Service;

/// <summary>
/// DOA hosted in-process: what it knows of deliveries comes as events (delivered as its sidecar delivers them, applied
/// once); a claim the domain refuses is a gRPC status naming the field or the id, and writes nothing.
/// </summary>
[Collection(DoaServiceCollection.Name)]
public sealed class DoaServiceTests(DoaHost doa)
{
    private ServiceHost Service => doa.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    [Fact]
    public async Task A_shipment_delivered_twice_under_one_id_is_handled_once()
    {
        var id = NewId();
        var shipped = new PartRequestShipped
        {
            RequestId = $"PR-{id}", CentreId = $"C-{id}", PartNumber = $"BRD-{id}", Serials = { $"SN-{id}" }, Quantity = 1, Carrier = "SF Express",
            TrackingNo = $"TRK-{id}", ShippedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)), EngineerId = $"eng-{id}",
            SiteId = $"SITE-{id}", TicketId = $"TCK-{id}", ShippedBy = $"wh-{id}",
        };
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.PartRequestShipped, shipped, eventId);
        var afterFirst = await Service.SettledStateAsync();
        using var again = await Service.DeliverAsync(EventTopics.PartRequestShipped, shipped, eventId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(afterFirst, await Service.StoredStateAsync());
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task A_claim_the_domain_refuses_is_a_grpc_status_naming_the_field_or_the_id_and_writes_nothing()
    {
        var id = NewId();
        var manager = new DoaClaimsService.DoaClaimsServiceClient(Service.GrpcAs($"dm-{id}", ["delivery-manager"]));
        var before = await Service.SettledStateAsync();

        var invalid = await Assert.ThrowsAsync<RpcException>(() => manager.FileDoaClaimAsync(new FileDoaClaimRequest
            { RequestId = $"PR-{id}", Serial = $"SN-{id}", DetectedAt = "unboxing", Symptom = "" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => manager.GetDoaClaimAsync(new GetDoaClaimRequest { ClaimId = $"DOA-{id}" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("symptom", invalid.Status.Detail);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains($"DOA-{id}", unknown.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
    }
}
