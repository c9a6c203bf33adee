using Grpc.Core;
using Logistics.Inventory.V1;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Service;

/// <summary>
/// A transfer of a part tracked by quantity, in-process over gRPC: the pick confirms the quantity and reserves it at the
/// sending centre, the shipment puts it in transit there, receipts count it into the receiving centre and out of the
/// sender's transit, a closing receipt leaves what is missing in transit. Refusals name the field and write nothing;
/// a step sent again under its key moves nothing twice.
/// </summary>
[Collection(InventoryServiceCollection.Name)]
public sealed class QuantityTransferTests(InventoryHost inventory)
{
    private ServiceHost Service => inventory.Service;

    private static Metadata Key(string key) => new() { { "idempotency-key", key } };

    private InventoryService.InventoryServiceClient Stock(string centre) => new(Service.GrpcAs($"wh-{centre}", ["warehouse"], [centre]));

    private TransferService.TransferServiceClient Transfers(string centre) => new(Service.GrpcAs($"wh-{centre}", ["warehouse"], [centre]));

    private async Task<(long OnHand, long Reserved, long InTransit)> LevelAsync(string centre, string part)
    {
        var level = await Stock(centre).GetStockAsync(new GetStockRequest { CentreId = centre, PartNumber = part });
        return (level.OnHand, level.Reserved, level.InTransit);
    }

    private async Task<RpcException> RefusedAsync(Func<Task> call, StatusCode status, string named)
    {
        var before = await Service.SettledStateAsync();
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(named, e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await Service.StoredStateAsync());
        return e;
    }

    [Fact]
    public async Task Units_tracked_by_quantity_are_picked_shipped_received_short_and_closed_with_the_rest_missing()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (from, to, cable) = ($"QS-{id}", $"QR-{id}", $"CBL-{id}");
        var admin = new InventoryService.InventoryServiceClient(Service.GrpcAs("admin1", ["admin"]));
        foreach (var centre in new[] { from, to })
            await admin.PutCentreAsync(new PutCentreRequest { CentreId = centre, Name = "Spare-part centre", Bins = { "A-01" } });
        await admin.PutPartAsync(new PutPartRequest { PartNumber = cable, Description = "Fibre cable", Serialized = false, Unit = "pcs" });
        await Stock(from).GoodsInAsync(new GoodsInRequest { CentreId = from, PartNumber = cable, Bin = "A-01", Quantity = 10 }, Key($"gi-{id}"));

        var requested = await Transfers(to).RequestTransferAsync(
            new RequestTransferRequest { CentreId = to, FromCentreId = from, PartNumber = cable, Quantity = 6 }, Key($"rq-{id}"));
        Assert.Equal(("Requested", false), (requested.State, requested.Serialized));
        var t = requested.TransferId;

        // The pick confirms the quantity: serials, or another quantity, are refused and write nothing.
        await RefusedAsync(() => Transfers(from).PickTransferAsync(new PickTransferRequest { TransferId = t, Serials = { "SN1" } }, Key($"p1-{id}")).ResponseAsync,
            StatusCode.InvalidArgument, "serials");
        await RefusedAsync(() => Transfers(from).PickTransferAsync(new PickTransferRequest { TransferId = t, Quantity = 5 }, Key($"p2-{id}")).ResponseAsync,
            StatusCode.InvalidArgument, "quantity");
        var pick = new PickTransferRequest { TransferId = t, Quantity = 6 };
        var picked = await Transfers(from).PickTransferAsync(pick, Key($"p3-{id}"));
        Assert.Equal(picked, await Transfers(from).PickTransferAsync(pick, Key($"p3-{id}")));
        Assert.Equal((10, 6, 0), await LevelAsync(from, cable));

        // More than is available cannot be picked: the reserve script refuses before anything is written.
        var tooMany = await Transfers(to).RequestTransferAsync(
            new RequestTransferRequest { CentreId = to, FromCentreId = from, PartNumber = cable, Quantity = 5 }, Key($"rq2-{id}"));
        await RefusedAsync(() => Transfers(from).PickTransferAsync(new PickTransferRequest { TransferId = tooMany.TransferId, Quantity = 5 }, Key($"p4-{id}")).ResponseAsync,
            StatusCode.FailedPrecondition, "only 4");
        Assert.Equal((10, 6, 0), await LevelAsync(from, cable));

        await Transfers(from).ShipTransferAsync(new ShipTransferRequest { TransferId = t, Carrier = "SF", TrackingNumber = $"SF{id}", EsdPackaging = true }, Key($"s-{id}"));
        Assert.Equal((4, 0, 6), await LevelAsync(from, cable));

        // Receipts count what arrived: more than is on the road is refused; 4 arrive (sent twice, counted once).
        await RefusedAsync(() => Transfers(to).ReceiveTransferAsync(new ReceiveTransferRequest { TransferId = t, Quantity = 7, Bin = "A-01" }, Key($"r0-{id}")).ResponseAsync,
            StatusCode.InvalidArgument, "quantity");
        await RefusedAsync(() => Transfers(to).ReceiveTransferAsync(new ReceiveTransferRequest { TransferId = t, Quantity = 4, Bin = "Z-99" }, Key($"r1-{id}")).ResponseAsync,
            StatusCode.InvalidArgument, "bin");
        var receive = new ReceiveTransferRequest { TransferId = t, Quantity = 4, Bin = "A-01" };
        var partly = await Transfers(to).ReceiveTransferAsync(receive, Key($"r2-{id}"));
        Assert.Equal(partly, await Transfers(to).ReceiveTransferAsync(receive, Key($"r2-{id}")));
        Assert.Equal(("PartlyReceived", 4, 2), (partly.State, partly.ReceivedQuantity, partly.InTransitQuantity));
        Assert.Equal((4, 0, 0), await LevelAsync(to, cable));
        Assert.Equal((4, 0, 2), await LevelAsync(from, cable));

        // Closing the receipt: the other 2 are missing and stay in transit at the sending centre.
        var closed = await Transfers(to).ReceiveTransferAsync(new ReceiveTransferRequest { TransferId = t, Final = true }, Key($"r3-{id}"));
        Assert.Equal(("Received", 4, 0, 2), (closed.State, closed.ReceivedQuantity, closed.InTransitQuantity, closed.MissingQuantity));
        Assert.Equal((4, 0, 2), await LevelAsync(from, cable));
        Assert.Equal((4, 0, 0), await LevelAsync(to, cable));
    }
}
