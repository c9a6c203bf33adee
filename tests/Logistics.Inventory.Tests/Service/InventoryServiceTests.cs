using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Inventory.V1;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Service;

/// <summary>
/// Inventory hosted in-process, called as its clients call it: gRPC with a token (idempotency keys, the domain's refusals
/// as gRPC statuses naming the field, authorization), and events delivered to its subscriber routes as its sidecar
/// delivers them (the inbox applies an event once). What a command publishes is read from its outbox.
/// </summary>
[Collection(InventoryServiceCollection.Name)]
public sealed class InventoryServiceTests(InventoryHost inventory)
{
    private ServiceHost Service => inventory.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static Metadata Key(string key) => new() { { "idempotency-key", key } };

    private InventoryService.InventoryServiceClient Admin() => new(Service.GrpcAs("admin1", ["admin"]));

    private InventoryService.InventoryServiceClient Warehouse(string centre) => new(Service.GrpcAs($"wh-{centre}", ["warehouse"], [centre]));

    /// <summary>A centre with bins, a serialized board and a quantity-tracked cable in the catalogue.</summary>
    private async Task<(string Centre, string Board, string Cable)> CatalogueAsync()
    {
        var id = NewId();
        var admin = Admin();
        await admin.PutCentreAsync(new PutCentreRequest { CentreId = $"C-{id}", Name = "Spare-part centre", Bins = { "A-01", "A-02" } });
        await admin.PutPartAsync(new PutPartRequest { PartNumber = $"BRD-{id}", Description = "Main control board", Serialized = true });
        await admin.PutPartAsync(new PutPartRequest { PartNumber = $"CBL-{id}", Description = "Fibre cable", Serialized = false, Unit = "pcs" });
        return ($"C-{id}", $"BRD-{id}", $"CBL-{id}");
    }

    [Fact]
    public async Task Goods_in_sent_twice_with_one_idempotency_key_takes_the_stock_in_once_and_answers_the_same()
    {
        var (centre, _, cable) = await CatalogueAsync();
        var warehouse = Warehouse(centre);
        var request = new GoodsInRequest { CentreId = centre, PartNumber = cable, Bin = "A-02", Quantity = 5, Reference = "DN-1" };

        var first = await warehouse.GoodsInAsync(request, Key("dn-1"));
        var again = await warehouse.GoodsInAsync(request, Key("dn-1"));

        Assert.Equal(first, again);
        Assert.Equal(5, (await warehouse.GetStockAsync(new GetStockRequest { CentreId = centre, PartNumber = cable })).OnHand);
    }

    [Fact]
    public async Task An_idempotency_key_used_again_for_another_request_is_refused_naming_it_and_changes_nothing()
    {
        var (centre, _, cable) = await CatalogueAsync();
        var warehouse = Warehouse(centre);
        await warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = cable, Bin = "A-02", Quantity = 5 }, Key("dn-2"));
        var before = await Service.SettledStateAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = cable, Bin = "A-02", Quantity = 6 }, Key("dn-2")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("idempotency_key", e.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
    }

    [Fact]
    public async Task The_domains_refusals_are_grpc_statuses_that_name_the_field_or_the_id()
    {
        var (centre, board, _) = await CatalogueAsync();
        var admin = Admin();
        var warehouse = Warehouse(centre);
        await warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = board, Bin = "A-01", Serials = { $"SN-{centre}" } });

        async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

        var invalid = await Refused(() => admin.PutPartAsync(new PutPartRequest { PartNumber = $"NEW-{centre}", Description = " ", Serialized = true }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("description", invalid.Status.Detail);

        var unknown = await Refused(() => admin.GetPartAsync(new GetPartRequest { PartNumber = $"NO-PART-{centre}" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains($"NO-PART-{centre}", unknown.Status.Detail);

        var rule = await Refused(() => admin.PutCentreAsync(new PutCentreRequest { CentreId = centre, Name = "Spare-part centre", Bins = { "A-01" } }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, rule.StatusCode);
        Assert.Contains("A-02", rule.Status.Detail);

        var twice = await Refused(() => warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = board, Bin = "A-01", Serials = { $"SN-{centre}" } }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, twice.StatusCode);
        Assert.Contains($"SN-{centre}", twice.Status.Detail);
    }

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated_and_an_engineer_may_not_catalogue()
    {
        using var anonymous = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{Service.GrpcPort}");
        var request = new PutPartRequest { PartNumber = $"NEW-{NewId()}", Description = "Board", Serialized = true };

        var nobody = await Assert.ThrowsAsync<RpcException>(() => new InventoryService.InventoryServiceClient(anonymous).PutPartAsync(request).ResponseAsync);
        var engineer = await Assert.ThrowsAsync<RpcException>(() =>
            new InventoryService.InventoryServiceClient(Service.GrpcAs("eng-1", ["engineer"])).PutPartAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, nobody.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, engineer.StatusCode);
    }

    [Fact]
    public async Task Cataloguing_a_part_writes_its_event_to_the_outbox_and_the_same_definition_again_writes_none()
    {
        var part = $"NEW-{NewId()}";
        var request = new PutPartRequest { PartNumber = part, Description = "Main control board", Serialized = true };

        await Admin().PutPartAsync(request);
        await Admin().PutPartAsync(request);

        var events = (await Service.OutboxAsync()).Where(e => e.Payload.Contains(part, StringComparison.Ordinal)).ToList();
        var only = Assert.Single(events);
        Assert.Equal(EventTopics.PartCatalogued, only.Topic);
    }

    [Fact]
    public async Task A_refused_goods_in_writes_no_row_no_event_and_no_stock()
    {
        var (centre, _, cable) = await CatalogueAsync();
        var warehouse = Warehouse(centre);
        var before = await Service.SettledStateAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = cable, Bin = "Z-99", Quantity = 5 }, Key("dn-3")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("bin", e.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
        Assert.Equal(0, (await warehouse.GetStockAsync(new GetStockRequest { CentreId = centre, PartNumber = cable })).OnHand);
    }

    [Fact]
    public async Task An_event_delivered_twice_under_one_id_is_applied_once()
    {
        var (centre, board, _) = await CatalogueAsync();
        var warehouse = Warehouse(centre);
        await warehouse.GoodsInAsync(new GoodsInRequest { CentreId = centre, PartNumber = board, Bin = "A-01", Serials = { $"SN-{centre}-1", $"SN-{centre}-2" } });
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var approved = new PartRequestApproved
        {
            RequestId = $"PR-{centre}", CentreId = centre, PartNumber = board, Quantity = 1, ServiceLevel = "7x24x4", EngineerId = "eng-1",
            RequestedAt = now, ApprovedAt = now, ApprovedBy = "sup-1", TicketId = "TCK-1", SiteId = "SITE-1",
        };
        var eventId = Guid.NewGuid().ToString();

        using var first = await Service.DeliverAsync(EventTopics.PartRequestApproved, approved, eventId);
        using var again = await Service.DeliverAsync(EventTopics.PartRequestApproved, approved, eventId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("SUCCESS", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, (await warehouse.GetStockAsync(new GetStockRequest { CentreId = centre, PartNumber = board })).Reserved);
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task The_subscriber_routes_refuse_an_event_without_the_app_api_token_or_without_an_id_and_apply_nothing()
    {
        var before = await Service.SettledStateAsync();
        var cloudEvent = """{"specversion":"1.0","type":"t","source":"s","datacontenttype":"application/json","data":{"requestId":"PR-X"}}""";

        using var stranger = await Service.DeliverRawAsync(EventTopics.PartRequestCancelled, cloudEvent.Replace("{\"specversion\"", "{\"id\":\"e-1\",\"specversion\""), appApiToken: null);
        using var noId = await Service.DeliverRawAsync(EventTopics.PartRequestCancelled, cloudEvent);

        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Contains("DROP", await noId.Content.ReadAsStringAsync());
        Assert.Equal(before, await Service.StoredStateAsync());
    }
}
