using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Returns.V1;
using Logistics.Testing;

namespace Logistics.Returns.Tests.Service;

/// <summary>
/// Returns hosted in-process: a swap reaches it as an event (delivered as its sidecar delivers it, applied once) and opens
/// the faulty part's return; calls are answered over gRPC with the domain's refusals as gRPC statuses naming the field or id.
/// </summary>
[Collection(ReturnsServiceCollection.Name)]
public sealed class ReturnsServiceTests(ReturnsHost returns)
{
    private ServiceHost Service => returns.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static PartInstalled Installed(string id) => new()
    {
        RequestId = $"PR-{id}", CentreId = $"C-{id}", PartNumber = $"BRD-{id}", EngineerId = $"eng-{id}", SiteId = $"SITE-{id}", TicketId = $"TCK-{id}",
        EquipmentId = $"EQ-{id}", InstalledSerial = $"SN-{id}", RemovedSerial = $"OLD-{id}",
        DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-2)), InstalledAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
    };

    [Fact]
    public async Task A_swap_delivered_twice_under_one_id_opens_one_return()
    {
        var id = NewId();
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.PartInstalled, Installed(id), eventId);
        using var again = await Service.DeliverAsync(EventTopics.PartInstalled, Installed(id), eventId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM returns WHERE request_id = $1", $"PR-{id}"));
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task An_unknown_or_malformed_return_id_is_a_grpc_status_naming_it()
    {
        var supervisor = new ReturnsService.ReturnsServiceClient(Service.GrpcAs("sup-1", ["supervisor"], ["C-1"]));

        var unknown = await Assert.ThrowsAsync<RpcException>(() => supervisor.GetReturnAsync(new GetReturnRequest { ReturnId = "RET-UNKNOWN-1" }).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => supervisor.GetReturnAsync(new GetReturnRequest { ReturnId = "RET 1" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("RET-UNKNOWN-1", unknown.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("return_id", invalid.Status.Detail);
    }
}
