using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Events;

/// <summary>
/// The request subscriber (approved → reserve or backorder, cancelled → release) ends in the same stock whatever the
/// order and duplication of approvals and cancels: they are different topics, so a cancel can overtake its approval, and
/// the approval must then set nothing aside. Each run is a new centre on the same Redis and a fresh inventory schema.
/// </summary>
public sealed class RequestOrderIndependenceTests(TestPostgres postgres, TestRedis redis)
    : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Requests = ["PR-1", "PR-2", "PR-3", "PR-4"];

    private ConnectionMultiplexer _redis = null!;
    private MigratedTemplate? _template;

    public async Task InitializeAsync() => _redis = await redis.ConnectAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private sealed class Centre(NpgsqlDataSource db, StockStore stock, string centreId) : IReplayTarget
    {
        public NpgsqlDataSource Db => db;
        public string Id => centreId;
        public ServiceProvider Services { get; } = new ServiceCollection().AddSingleton(stock).AddSingleton(TimeProvider.System).BuildServiceProvider();

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            // Whether a request holds stock, not how it got there: a release after a reservation and no reservation at
            // all (the cancel came first) both hold nothing.
            List<string> rows = [$"level: {(await stock.GetLevelAsync(centreId, "FAN")) with { CentreId = "" }}"];
            foreach (var request in Requests)
            {
                var reservation = await stock.GetReservationAsync(centreId, ReservationIds.ForRequest(request));
                rows.Add(reservation is { State: ReservationState.Reserved or ReservationState.Backordered }
                    ? $"holds: {request} {reservation.State} {reservation.Quantity}"
                    : $"holds: {request} nothing");
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

    private async Task<Centre> FreshAsync()
    {
        var db = InventoryDatabase.Open(await Template.FreshAsync());
        var stock = new StockStore(_redis);
        var centre = "C-" + Guid.NewGuid().ToString("N")[..12];
        await stock.GoodsInAsync(new StockCommand(centre, "gi-1", Guid.NewGuid(), T0), "FAN", serialized: false, "B-01", [], 10, "PO-1");
        return new Centre(db, stock, centre);
    }

    private static Timestamp At(double hours) => Timestamp.FromDateTimeOffset(T0.AddHours(hours));

    /// <summary>As MapIntegrationEvent makes a handler: from the services.</summary>
    private static THandler Handler<THandler>(Centre c) where THandler : class => ActivatorUtilities.CreateInstance<THandler>(c.Services);

    private static Delivery<Centre> Approved(string id, string request, int quantity) =>
        new(id, EventTopics.PartRequestApproved, $"{id} {request} approved ({quantity})", (c, tx) => Handler<PartRequestApprovedHandler>(c).HandleAsync(new PartRequestApproved
        {
            RequestId = request, CentreId = c.Id, PartNumber = "FAN", Quantity = quantity, ServiceLevel = ServiceLevel.NextBusinessDay.Code, EngineerId = "eng-1",
            RequestedAt = At(1), ApprovedAt = At(1), ApprovedBy = "system", TicketId = "T-" + request, SiteId = "SITE-1",
        }, new InboxContext(id, tx, c.Services), CancellationToken.None));

    private static Delivery<Centre> Cancelled(string id, string request) =>
        new(id, EventTopics.PartRequestCancelled, $"{id} {request} cancelled", (c, tx) => Handler<PartRequestCancelledHandler>(c).HandleAsync(new PartRequestCancelled
        {
            RequestId = request, CentreId = c.Id, CancelledAt = At(2), CancelledBy = "eng-1",
        }, new InboxContext(id, tx, c.Services), CancellationToken.None));

    [Fact]
    public async Task A_cancel_that_overtakes_its_approval_leaves_nothing_reserved_in_any_order()
    {
        List<Delivery<Centre>> flow =
        [
            Approved("ev-01", "PR-1", 2),
            Approved("ev-02", "PR-2", 3),
            Cancelled("ev-03", "PR-2"),
            Approved("ev-04", "PR-3", 20), // short: backordered
            Cancelled("ev-05", "PR-3"),
            Cancelled("ev-06", "PR-4"), // cancelled before approval: never approved
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        Assert.Contains("holds: PR-1 Reserved 2", state);
        Assert.Contains("holds: PR-2 nothing", state);
        Assert.Contains("holds: PR-3 nothing", state);
        Assert.Contains(state, l => l.StartsWith("level: StockLevel { CentreId = , PartNumber = FAN, OnHand = 10, Reserved = 2,", StringComparison.Ordinal));
    }
}
