using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Events;

/// <summary>
/// The fulfilment subscriber (shipments, deliveries, faulty returns and their inspection) ends in the same stock levels,
/// serial places and reservations whatever the order and duplication of its events: a recorded flow of three requests
/// and three returns at one centre is replayed shuffled, with redeliveries, each run in a new centre on the same Redis and
/// a fresh inventory schema. A script refused because its cause has not arrived yet (a delivery before its shipment)
/// throws, so the sidecar delivers it again later; that is part of what is replayed. The request subscriber (reserve,
/// release) is not covered here.
/// </summary>
public sealed class FulfilmentOrderIndependenceTests(TestPostgres postgres, TestRedis redis)
    : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Parts = ["P-100", "FAN"];
    private static readonly string[] Requests = ["PR-1", "PR-2", "PR-3", "PR-4"];

    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await redis.ConnectAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private sealed class Centre(NpgsqlDataSource db, StockStore stock, string centreId) : IReplayTarget
    {
        public NpgsqlDataSource Db => db;
        public string Id => centreId;
        public ServiceProvider Services { get; } = new ServiceCollection()
            .AddSingleton(stock)
            .AddSingleton(new SerialClaims(db, stock, TimeProvider.System))
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider();

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            var rows = new List<string>();
            foreach (var part in Parts)
            {
                rows.Add($"level: {(await stock.GetLevelAsync(centreId, part)) with { CentreId = "" }}");
                rows.AddRange((await stock.ListSerialsAsync(centreId, part)).Select(s => $"serial: {part} {s}"));
            }
            foreach (var request in Requests)
            {
                var reservation = await stock.GetReservationAsync(centreId, ReservationIds.ForRequest(request));
                rows.Add($"reservation: {request} {reservation?.State} {reservation?.Quantity}");
            }
            return rows;
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    private MigratedTemplate Template => _template ??= InventoryDatabase.Template(postgres);

    private MigratedTemplate? _template;

    /// <summary>A new centre with what the commands before the flow put there: goods in, and each request's reservation.</summary>
    private async Task<Centre> FreshAsync()
    {
        var db = InventoryDatabase.Open(await Template.FreshAsync());
        var stock = new StockStore(_redis);
        var centre = "C-" + Guid.NewGuid().ToString("N")[..12];
        StockCommand Command(string key) => new(centre, key, Guid.NewGuid(), T0);
        await stock.GoodsInAsync(Command("gi-1"), "P-100", serialized: true, "A-01", ["S1", "S2", "S3", "S4"], 0, "PO-1");
        await stock.GoodsInAsync(Command("gi-2"), "FAN", serialized: false, "B-01", [], 10, "PO-2");
        await stock.ReserveAsync(Command("r-1"), "P-100", 1, "PR-1", ReservationIds.ForRequest("PR-1"), ServiceLevel.NextBusinessDay, T0, false);
        await stock.ReserveAsync(Command("r-2"), "P-100", 2, "PR-2", ReservationIds.ForRequest("PR-2"), ServiceLevel.NextBusinessDay, T0, false);
        await stock.ReserveAsync(Command("r-3"), "FAN", 3, "PR-3", ReservationIds.ForRequest("PR-3"), ServiceLevel.NextBusinessDay, T0, false);
        await stock.ReserveAsync(Command("r-4"), "P-100", 1, "PR-4", ReservationIds.ForRequest("PR-4"), ServiceLevel.NextBusinessDay, T0, false);
        return new Centre(db, stock, centre);
    }

    private static Timestamp At(double hours) => Timestamp.FromDateTimeOffset(T0.AddHours(hours));

    /// <summary>As MapIntegrationEvent hands an event to its handler (made from the services), in the run's own centre.</summary>
    private static Delivery<Centre> Event<TEvent, THandler>(string id, string topic, string what, Func<string, TEvent> make)
        where TEvent : IMessage<TEvent>
        where THandler : IIntegrationEventHandler<TEvent> =>
        new(id, topic, $"{id} {what}", (c, tx) =>
            ActivatorUtilities.CreateInstance<THandler>(c.Services).HandleAsync(make(c.Id), new InboxContext(id, tx, c.Services), CancellationToken.None));

    private static Delivery<Centre> Shipped(string id, string request, string part, int quantity, params string[] serials) =>
        Event<PartRequestShipped, PartRequestShippedHandler>(id, EventTopics.PartRequestShipped, $"{request} shipped", centre => new PartRequestShipped
        {
            RequestId = request, CentreId = centre, PartNumber = part, Serials = { serials }, Quantity = quantity, Carrier = "DHL", TrackingNo = "TRK-" + request,
            ShippedAt = At(1), EngineerId = "eng-1", SiteId = "SITE-1", ShippedBy = "wh-1",
        });

    private static Delivery<Centre> Signed(string id, string receiptId, string kind, string reference, string part, int quantity, bool faulty = false,
        string doaClaim = "", params string[] serials) =>
        Event<ReceiptSigned, ReceiptSignedHandler>(id, EventTopics.ReceiptSigned, $"{receiptId} {kind} {reference}", centre => new ReceiptSigned
        {
            ReceiptId = receiptId, Kind = kind, Reference = reference, CentreId = centre, PartNumber = part, Serials = { serials }, Quantity = quantity,
            Faulty = faulty, SignedBy = kind == "engineer-to-centre" ? "wh-1" : "eng-1", SignedAt = At(5), HandedOverBy = "eng-1", SiteId = "SITE-1",
            OuterIntact = true, EsdBagSealed = true, Condition = "ok", DoaClaimId = doaClaim,
        });

    private static Delivery<Centre> Inspected(string id, string returnId, string serial, string result, string bin = "", string doaClaim = "") =>
        Event<ReturnInspected, ReturnInspectedHandler>(id, EventTopics.ReturnInspected, $"{returnId} {result}", centre => new ReturnInspected
        {
            ReturnId = returnId, CentreId = centre, PartNumber = "P-100", Serial = serial, Result = result, Bin = bin, InspectedAt = At(48),
            RequestId = "PR-9", DoaClaimId = doaClaim, EngineerId = "eng-1", InspectedBy = "wh-2",
        });

    /// <summary>A step of receipts' lost-in-transit investigation of a request's shipment; only written-off moves stock.</summary>
    private static Delivery<Centre> Investigation(string id, string request, string step, params string[] serials) =>
        Event<TransitInvestigationChanged, TransitInvestigationChangedHandler>(id, EventTopics.TransitInvestigationChanged, $"{request} {step}", centre => new TransitInvestigationChanged
        {
            InvestigationId = "TI-" + request, Step = step, Reference = request, CentreId = centre, PartNumber = "P-100", Serials = { serials },
            Quantity = serials.Length, EngineerId = "eng-1", CarrierClaimReference = step == "opened" ? "" : "CLM-1", By = "sup-2", OccurredAt = At(100),
            DeliverBy = At(24),
        });

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_stock()
    {
        List<Delivery<Centre>> flow =
        [
            Shipped("ev-01", "PR-1", "P-100", 1, "S1"),
            Shipped("ev-02", "PR-2", "P-100", 2, "S2", "S3"),
            Shipped("ev-03", "PR-3", "FAN", 3),
            Signed("ev-04", "RC-1", "centre-to-engineer", "PR-1", "P-100", 1, serials: ["S1"]),
            Signed("ev-05", "RC-2", "carrier-to-site", "PR-2", "P-100", 2, serials: ["S2", "S3"]),
            Signed("ev-06", "RC-3", "centre-to-engineer", "PR-3", "FAN", 3),
            Signed("ev-07", "RC-4", "engineer-to-centre", "RT-1", "P-100", 1, faulty: true, serials: ["F1"]),
            Inspected("ev-08", "RT-1", "F1", "no-fault-found", bin: "B-02"),
            Signed("ev-09", "RC-5", "engineer-to-centre", "RT-2", "P-100", 1, faulty: true, serials: ["F2"]),
            Inspected("ev-10", "RT-2", "F2", "confirmed-fault"),
            Signed("ev-11", "RC-6", "engineer-to-centre", "RT-D-1", "P-100", 1, faulty: true, doaClaim: "D-1", serials: ["D1"]),
            Inspected("ev-12", "RT-D-1", "D1", "confirmed-fault", doaClaim: "D-1"), // the claim's: moves no stock
            Signed("ev-13", "RC-7", "supplier-to-centre", "PO-3", "P-100", 1, serials: ["S9"]), // booked by goods-in, not here
            Shipped("ev-14", "PR-4", "P-100", 1, "S4"),
            Investigation("ev-15", "PR-4", "opened", "S4"), // moves no stock
            Investigation("ev-16", "PR-4", "written-off", "S4"), // lost: S4 leaves transit
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        // The flow is the one meant: everything shipped left transit (S4 as lost), F1 back on the shelf, F2 faulty, D1 quarantined.
        Assert.Contains(state, l => l.StartsWith("level: StockLevel { CentreId = , PartNumber = P-100, OnHand = 1, ", StringComparison.Ordinal)
            && l.Contains("InTransit = 0"));
        Assert.Contains("reservation: PR-2 Shipped 2", state);
        Assert.DoesNotContain(state, l => l.Contains("Serial = S4,", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("serial: P-100 HeldSerial { Serial = F1, Place = OnHand, Bin = B-02", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("serial: P-100 HeldSerial { Serial = D1, Place = Quarantined", StringComparison.Ordinal));
    }
}
