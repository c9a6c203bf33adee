using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Receipts.V1;
using Logistics.Testing;

namespace Logistics.Receipts.Tests.Service;

/// <summary>
/// Receipts hosted in-process: a shipment reaches it as an event (delivered as its sidecar delivers it, applied once),
/// the engineer signs for it over gRPC (idempotency keys, refusals as gRPC statuses naming the field), and the receipt's
/// event is in the outbox of the call that signed it.
/// </summary>
[Collection(ReceiptsServiceCollection.Name)]
public sealed class ReceiptsServiceTests(ReceiptsHost receipts)
{
    private ServiceHost Service => receipts.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static PartRequestShipped Shipped(string id) => new()
    {
        RequestId = $"PR-{id}", CentreId = $"C-{id}", PartNumber = $"BRD-{id}", Serials = { $"SN-{id}" }, Quantity = 1, Carrier = "SF Express",
        TrackingNo = $"TRK-{id}", PackageId = $"PKG-{id}", ShippedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
        EngineerId = $"eng-{id}", SiteId = $"SITE-{id}", TicketId = $"TCK-{id}", ShippedBy = $"wh-{id}", SealedWith = "tape",
    };

    private static SignReceiptRequest Sign(string id, string serial) => new()
    {
        Kind = "centre-to-engineer", Reference = $"PR-{id}", Serials = { serial }, Quantity = 1,
        Packaging = new PackagingCheck { OuterIntact = true, EsdBagSealed = true }, Condition = "ok",
    };

    private ReceiptsService.ReceiptsServiceClient Engineer(string id) => new(Service.GrpcAs($"eng-{id}", ["engineer"]));

    [Fact]
    public async Task A_shipment_delivered_twice_under_one_id_is_one_shipment()
    {
        var id = NewId();
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.PartRequestShipped, Shipped(id), eventId);
        using var again = await Service.DeliverAsync(EventTopics.PartRequestShipped, Shipped(id), eventId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM shipments WHERE reference = $1", $"PR-{id}"));
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task A_receipt_signed_twice_with_one_idempotency_key_is_one_receipt_with_one_event_in_the_outbox()
    {
        var id = NewId();
        using var shipped = await Service.DeliverAsync(EventTopics.PartRequestShipped, Shipped(id));
        var key = new Metadata { { "idempotency-key", $"sign-{id}" } };

        var first = await Engineer(id).SignReceiptAsync(Sign(id, $"SN-{id}"), key);
        var again = await Engineer(id).SignReceiptAsync(Sign(id, $"SN-{id}"), key);

        Assert.Equal(first.ReceiptId, again.ReceiptId);
        var signed = (await Service.OutboxAsync()).Where(e => e.Topic == EventTopics.ReceiptSigned && e.Payload.Contains($"PR-{id}", StringComparison.Ordinal));
        Assert.Single(signed);
    }

    [Fact]
    public async Task A_receipt_of_the_wrong_kind_for_the_handover_is_refused_naming_kind_and_writes_nothing()
    {
        var id = NewId();
        using var shipped = await Service.DeliverAsync(EventTopics.PartRequestShipped, Shipped(id));
        var before = await Service.SettledStateAsync();

        var wrongKind = Sign(id, $"SN-{id}");
        wrongKind.Kind = "engineer-to-centre";

        var e = await Assert.ThrowsAsync<RpcException>(() => Engineer(id).SignReceiptAsync(wrongKind).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("kind", e.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
    }
}
