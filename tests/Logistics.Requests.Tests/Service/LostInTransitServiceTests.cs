using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Requests.V1;
using Logistics.Testing;

namespace Logistics.Requests.Tests.Service;

/// <summary>
/// A shipment written off as lost in transit (receipts' TransitInvestigationChanged, step written-off) makes its request
/// LostInTransit, once, however often and in whichever order the investigation's steps arrive; the engineer asks again
/// with replaces_request_id, once.
/// </summary>
[Collection(RequestsServiceCollection.Name)]
public sealed class LostInTransitServiceTests(RequestsHost requests)
{
    private ServiceHost Service => requests.Service;

    private static string NewId() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static Timestamp Now => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);

    /// <summary>A request of eng-{id} shipped from C-{id} with serial S-{id}, as events and commands make it.</summary>
    private async Task<(PartRequestsService.PartRequestsServiceClient Engineer, PartRequest Shipped)> ShippedAsync(string id)
    {
        var centre = $"C-{id}";
        var part = $"BRD-{id}";
        await DeliverOkAsync(EventTopics.CentreDefined,
            new CentreDefined { CentreId = centre, Name = "Spare-part centre", Bins = { "A-01" }, Version = 1, OccurredAt = Now, TimeZone = "UTC", CalendarId = "mon-fri" });
        await DeliverOkAsync(EventTopics.PartCatalogued,
            new PartCatalogued { PartNumber = part, Description = "Main control board", Serialized = true, Unit = "pcs", Version = 1, OccurredAt = Now });
        await DeliverOkAsync(EventTopics.StockMovementRecorded, new StockMovementRecorded
        {
            MovementId = $"mv-{id}", Sequence = 1, CentreId = centre, PartNumber = part, Kind = "goods-in", Bin = "A-01", Serials = { $"S-{id}" },
            Quantity = 1, DeltaOnHand = 1, OccurredAt = Now,
        });
        var engineer = new PartRequestsService.PartRequestsServiceClient(Service.GrpcAs($"eng-{id}", ["engineer"]));
        var request = await engineer.RequestPartsAsync(new RequestPartsRequest
        {
            TicketId = $"TCK-{id}", SiteId = $"SITE-{id}", CentreId = centre, PartNumber = part, Quantity = 1, ServiceLevel = "7x24x4", FaultySerial = $"F-{id}",
        });
        await DeliverOkAsync(EventTopics.StockReservationChanged, new StockReservationChanged
        {
            ReservationId = $"{centre}.Q-{request.RequestId}", Sequence = 2, CentreId = centre, PartNumber = part, State = "reserved", Quantity = 1,
            Reference = request.RequestId, OccurredAt = Now,
        });
        var warehouse = new PartRequestsService.PartRequestsServiceClient(Service.GrpcAs($"wh-{id}", ["warehouse"], [centre]));
        var shipped = await warehouse.ShipPartRequestAsync(new ShipPartRequestRequest
        {
            RequestId = request.RequestId, Serials = { $"S-{id}" },
            Packaging = new EsdPackaging { EsdBagSealed = true, SealedWith = "tape", EsdSymbol = true, PackageId = $"PKG-{id}" },
            Carrier = "DHL", TrackingNo = $"TRK-{id}",
        });
        Assert.Equal("Shipped", shipped.State);
        return (engineer, shipped);
    }

    private async Task DeliverOkAsync(string topic, Google.Protobuf.IMessage message, string? eventId = null)
    {
        using var response = await Service.DeliverAsync(topic, message, eventId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static TransitInvestigationChanged Step(PartRequest r, string step, string by) => new()
    {
        InvestigationId = "TI-" + r.RequestId, Step = step, Reference = r.RequestId, CentreId = r.CentreId, PartNumber = r.PartNumber,
        Serials = { r.Shipment.Serials }, Quantity = r.Quantity, EngineerId = r.EngineerId, CarrierClaimReference = "CLM-1", By = by,
        OccurredAt = Now, DeliverBy = r.DeliverBy,
    };

    [Fact]
    public async Task A_write_off_replayed_duplicated_and_among_the_other_steps_makes_the_request_lost_in_transit_once()
    {
        var id = NewId();
        var (engineer, shipped) = await ShippedAsync(id);

        // The steps before the write-off change nothing here.
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, Step(shipped, "opened", ""));
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, Step(shipped, "loss-proposed", $"dm-{id}"));
        Assert.Equal("Shipped", (await engineer.GetPartRequestAsync(new GetPartRequestRequest { RequestId = shipped.RequestId })).State);

        var writtenOff = Step(shipped, "written-off", $"sup-{id}");
        var eventId = Guid.NewGuid().ToString();
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, writtenOff, eventId);
        var lost = await engineer.GetPartRequestAsync(new GetPartRequestRequest { RequestId = shipped.RequestId });
        Assert.Equal("LostInTransit", lost.State);
        Assert.Equal("TI-" + shipped.RequestId, lost.LostInTransitInvestigationId);
        Assert.False(lost.Late);
        var stored = await Service.SettledStateAsync("inbox");

        // The same CloudEvent again (the inbox drops it), the same fact under another id (the handler finds it done),
        // and a step that comes late: nothing changes.
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, writtenOff, eventId);
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, writtenOff);
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, Step(shipped, "loss-proposed", $"dm-{id}"));
        Assert.Equal(stored, await Service.SettledStateAsync("inbox"));
        var again = await engineer.GetPartRequestAsync(new GetPartRequestRequest { RequestId = shipped.RequestId });
        Assert.Single(again.History, h => h.To == "LostInTransit");

        // A write-off of a shipment that is no request of ours is dropped.
        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, new TransitInvestigationChanged
            { InvestigationId = "TI-PR-404", Step = "written-off", Reference = $"PR-404-{id}", CentreId = shipped.CentreId, By = "sup", OccurredAt = Now });
    }

    [Fact]
    public async Task The_engineer_asks_again_once_for_a_request_lost_in_transit()
    {
        var id = NewId();
        var (engineer, shipped) = await ShippedAsync(id);
        var ask = new RequestPartsRequest
        {
            TicketId = shipped.TicketId, SiteId = shipped.SiteId, CentreId = shipped.CentreId, PartNumber = shipped.PartNumber, Quantity = 1,
            ServiceLevel = shipped.ServiceLevel, ReplacesRequestId = shipped.RequestId,
        };

        // Still Shipped: not lost, so nothing to replace; refused naming the field, nothing written.
        var before = await Service.SettledStateAsync();
        var notLost = await Assert.ThrowsAsync<RpcException>(() => engineer.RequestPartsAsync(ask).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, notLost.StatusCode);
        Assert.Contains("replaces_request_id", notLost.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());

        await DeliverOkAsync(EventTopics.TransitInvestigationChanged, Step(shipped, "written-off", $"sup-{id}"));

        // Another ticket, or another engineer: refused, nothing written.
        before = await Service.SettledStateAsync();
        var otherTicket = await Assert.ThrowsAsync<RpcException>(() => engineer.RequestPartsAsync(new RequestPartsRequest(ask) { TicketId = "TCK-OTHER" }).ResponseAsync);
        Assert.Contains("ticket_id", otherTicket.Status.Detail);
        var stranger = new PartRequestsService.PartRequestsServiceClient(Service.GrpcAs($"eng-other-{id}", ["engineer"]));
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => stranger.RequestPartsAsync(ask).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        Assert.Equal(before, await Service.StoredStateAsync());

        var replacement = await engineer.RequestPartsAsync(ask);
        Assert.Equal(shipped.RequestId, replacement.ReplacesRequestId);
        Assert.Equal("Approved", replacement.State);
        Assert.Equal(replacement.RequestId, (await engineer.GetPartRequestAsync(new GetPartRequestRequest { RequestId = shipped.RequestId })).ReplacedByRequestId);

        // Once: a second replacement is refused.
        before = await Service.SettledStateAsync();
        var twice = await Assert.ThrowsAsync<RpcException>(() => engineer.RequestPartsAsync(ask).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        Assert.Contains($"already replaced by {replacement.RequestId}", twice.Status.Detail);
        Assert.Equal(before, await Service.StoredStateAsync());
    }
}
