using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Requests.V1;
using Logistics.Testing;

namespace Logistics.Requests.Tests.Service;

/// <summary>
/// Requests hosted in-process: the catalogue reaches it as events (delivered as its sidecar delivers them, applied once),
/// engineers request parts over gRPC (idempotency keys, refusals as gRPC statuses naming the field or the id), and a
/// request's event is in the outbox of the call that made it.
/// </summary>
[Collection(RequestsServiceCollection.Name)]
public sealed class RequestsServiceTests(RequestsHost requests)
{
    private ServiceHost Service => requests.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private PartRequestsService.PartRequestsServiceClient Engineer(string id) => new(Service.GrpcAs($"eng-{id}", ["engineer"]));

    /// <summary>A centre and a part, as inventory's events make them known here.</summary>
    private async Task<(string Centre, string Part)> KnownAsync(string id)
    {
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        using var centre = await Service.DeliverAsync(EventTopics.CentreDefined,
            new CentreDefined { CentreId = $"C-{id}", Name = "Spare-part centre", Bins = { "A-01" }, Version = 1, OccurredAt = now, TimeZone = "UTC", CalendarId = "mon-fri" });
        using var part = await Service.DeliverAsync(EventTopics.PartCatalogued,
            new PartCatalogued { PartNumber = $"BRD-{id}", Description = "Main control board", Serialized = true, Unit = "pcs", Version = 1, OccurredAt = now });
        Assert.Equal(HttpStatusCode.OK, centre.StatusCode);
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        return ($"C-{id}", $"BRD-{id}");
    }

    private static RequestPartsRequest Request(string id, string centre, string part, int quantity = 1) => new()
    {
        TicketId = $"TCK-{id}", SiteId = $"SITE-{id}", CentreId = centre, PartNumber = part, Quantity = quantity, ServiceLevel = "7x24x4",
    };

    [Fact]
    public async Task A_catalogue_event_delivered_twice_under_one_id_is_applied_once()
    {
        var id = NewId();
        var catalogued = new PartCatalogued { PartNumber = $"BRD-{id}", Description = "Main control board", Serialized = true, Unit = "pcs", Version = 1, OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.PartCatalogued, catalogued, eventId);
        var redelivered = catalogued.Clone();
        redelivered.Description = "changed in the redelivery";
        using var again = await Service.DeliverAsync(EventTopics.PartCatalogued, redelivered, eventId);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var known = await Engineer(id).GetRequestablePartAsync(new GetRequestablePartRequest { PartNumber = $"BRD-{id}" });
        Assert.Equal("Main control board", known.Description);
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task A_request_sent_twice_with_one_idempotency_key_is_one_request_and_its_events_are_written_once()
    {
        var id = NewId();
        var (centre, part) = await KnownAsync(id);
        var engineer = Engineer(id);
        var key = new Metadata { { "idempotency-key", $"req-{id}" } };

        var first = await engineer.RequestPartsAsync(Request(id, centre, part), key);
        var written = await EventsOfAsync(first.RequestId);
        var again = await engineer.RequestPartsAsync(Request(id, centre, part), key);

        Assert.Equal(first.RequestId, again.RequestId);
        Assert.NotEmpty(written);
        Assert.Equal(written, await EventsOfAsync(first.RequestId));
    }

    /// <summary>The topics of the outbox rows that name the request.</summary>
    private async Task<IReadOnlyList<string>> EventsOfAsync(string requestId) =>
        (await Service.OutboxAsync()).Where(e => e.Payload.Contains(requestId, StringComparison.Ordinal)).Select(e => e.Topic).ToList();

    [Fact]
    public async Task A_refused_request_is_a_grpc_status_naming_the_field_or_the_id_and_writes_nothing()
    {
        var id = NewId();
        var (centre, part) = await KnownAsync(id);
        var engineer = Engineer(id);
        var before = await Service.SettledStateAsync();

        var invalid = await Assert.ThrowsAsync<RpcException>(() => engineer.RequestPartsAsync(Request(id, centre, part, quantity: 0)).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => engineer.RequestPartsAsync(Request(id, centre, $"NO-PART-{id}")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("quantity", invalid.Status.Detail);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains($"NO-PART-{id}", unknown.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
    }
}
