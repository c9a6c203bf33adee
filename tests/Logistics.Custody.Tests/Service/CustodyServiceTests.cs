using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Custody.V1;
using Logistics.Events.V1;
using Logistics.Testing;

namespace Logistics.Custody.Tests.Service;

/// <summary>
/// Custody hosted in-process: it learns of serials only from the other services' events, delivered here as its sidecar
/// delivers them, and answers over gRPC with the domain's refusals as gRPC statuses naming the field or the serial.
/// </summary>
[Collection(CustodyServiceCollection.Name)]
public sealed class CustodyServiceTests(CustodyHost custody)
{
    private ServiceHost Service => custody.Service;

    private CustodyService.CustodyServiceClient Auditor() => new(Service.GrpcAs("aud-1", ["auditor"]));

    private static StockMovementRecorded GoodsIn(string centre, string serial) => new()
    {
        MovementId = $"M-{serial}", Sequence = 1, CentreId = centre, PartNumber = "BRD-1", Kind = "goods-in", Bin = "A-01", Serials = { serial },
        Quantity = 1, DeltaOnHand = 1, Reference = "PO-1", OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-5)),
    };

    [Fact]
    public async Task A_movement_delivered_twice_under_one_id_is_one_step_of_the_serials_custody()
    {
        var serial = $"SN-{Guid.NewGuid():N}"[..20];
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.StockMovementRecorded, GoodsIn("C-1", serial), eventId);
        using var again = await Service.DeliverAsync(EventTopics.StockMovementRecorded, GoodsIn("C-1", serial), eventId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var history = await Auditor().GetCustodyHistoryAsync(new GetCustodyHistoryRequest { Serial = serial });
        Assert.Single(history.Events);
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
        Assert.Contains("C-1", (await Auditor().GetSerialAsync(new GetSerialRequest { Serial = serial })).Holder);
    }

    [Fact]
    public async Task The_domains_refusals_are_grpc_statuses_that_name_the_field_or_the_serial()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Auditor().GetSerialAsync(new GetSerialRequest { Serial = "NO-SERIAL-1" }).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Auditor().GetSerialAsync(new GetSerialRequest { Serial = "SN 1" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("NO-SERIAL-1", unknown.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("serial", invalid.Status.Detail);
    }

    [Fact]
    public async Task An_engineer_may_not_read_the_anomalies()
    {
        var engineer = new CustodyService.CustodyServiceClient(Service.GrpcAs("eng-1", ["engineer"]));

        var e = await Assert.ThrowsAsync<RpcException>(() => engineer.ListAnomaliesAsync(new ListAnomaliesRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }
}
