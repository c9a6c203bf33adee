using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Receipts.Tests;

/// <summary>
/// The shipment subscriber ends in the same expected handovers whatever the order and duplication of its events: a
/// recorded flow of requests shipped and returns moving is replayed shuffled, with redeliveries, and compared.
/// </summary>
public sealed class OrderIndependenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Timestamp At(int minutes) => Timestamp.FromDateTimeOffset(T0.AddMinutes(minutes));

    private sealed class Tables(NpgsqlDataSource db) : IReplayTarget
    {
        public NpgsqlDataSource Db => db;
        public TransitBook Transit { get; } =
            new(new ShipmentsTable(db), new ReceiptsTable(db), new TransitInvestigationsTable(db), new TransitWatchTable(db), TransitPolicy.Default);

        public async Task<IReadOnlyList<string>> StateAsync() =>
        [
            .. await EventReplay.RowsAsync(db, "shipment", "SELECT reference, kind, addressed_to, addressed_to_centre, handed_over_by, centre_id, part_number, site_id, serials, quantity, faulty, doa_claim_id, shipped_at FROM shipments"),
            .. await EventReplay.RowsAsync(db, "watched", "SELECT reference, deliver_by, units FROM transit_watch"),
        ];

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }

    private readonly MigratedTemplate _template = new(postgres, async connectionString =>
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "receipts" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("receipts"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ReceiptBook).Assembly), CancellationToken.None);
    });

    private async Task<Tables> FreshAsync() =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await _template.FreshAsync()) { SearchPath = "receipts" }.ConnectionString));

    private static readonly TestClock Clock = new(T0.AddDays(1));

    /// <summary>As MapIntegrationEvent hands an event to its handler: in the inbox's transaction (these handlers take their tables in the constructor).</summary>
    private static InboxContext Inbox(string eventId, NpgsqlTransaction tx) => new(eventId, tx, EmptyServices);

    private static readonly IServiceProvider EmptyServices = new ServiceCollection().BuildServiceProvider();

    private static Delivery<Tables> Shipped(string id, string request, string engineer, int minutes, string doaClaim = "", params string[] serials)
    {
        var e = new PartRequestShipped
        {
            RequestId = request, CentreId = "C1", PartNumber = "P-100", Serials = { serials }, Quantity = Math.Max(1, serials.Length), Carrier = "DHL",
            TrackingNo = "TRK-" + request, EngineerId = engineer, SiteId = "SITE-" + engineer, TicketId = "T-" + request, ShippedBy = "wh-1",
            DoaClaimId = doaClaim, ShippedAt = At(minutes),
        };
        return new(id, EventTopics.PartRequestShipped, $"{id} {request} shipped",
            (t, tx) => new PartRequestShippedHandler(t.Transit, Clock).HandleAsync(e, Inbox(id, tx), CancellationToken.None));
    }

    private static Delivery<Tables> Return(string id, string returnId, string step, int minutes, string serial, string doaClaim = "")
    {
        var e = new ReturnChanged
        {
            ReturnId = returnId, Step = step, State = step, RequestId = "PR-1", DoaClaimId = doaClaim, EngineerId = "eng-1", CentreId = "C1",
            PartNumber = "P-100", Serial = serial, Carrier = step == ReturnSteps.Shipped ? "UPS" : "", TrackingNo = step == ReturnSteps.Shipped ? "TRK-" + returnId : "",
            By = "eng-1", OccurredAt = At(minutes), SiteId = "SITE-eng-1", DueAt = At(60 * 24 * 10),
        };
        return new(id, EventTopics.ReturnChanged, $"{id} {returnId} {step}",
            (t, tx) => new ReturnChangedHandler(t.Transit, Clock).HandleAsync(e, Inbox(id, tx), CancellationToken.None));
    }

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_expected_handovers()
    {
        List<Delivery<Tables>> flow =
        [
            Shipped("ev-01", "PR-1", "eng-1", 10, "", "S1"),
            Shipped("ev-02", "PR-2", "eng-2", 12, "", "S2", "S3"),
            Shipped("ev-03", "PR-3", "eng-1", 14), // a non-serialized part: quantity only
            Return("ev-04", "RT-1", "opened", 30, "F1"),
            Return("ev-05", "RT-1", "packed", 40, "F1"),
            Return("ev-06", "RT-1", "shipped", 50, "F1"),
            Shipped("ev-07", "doa-D-1", "eng-2", 45, "D-1", "S4"),
            Return("ev-08", "RT-D-1", "opened", 46, "S2", "D-1"),
            Return("ev-09", "RT-D-1", "shipped", 55, "S2", "D-1"),
            Return("ev-10", "RT-1", "received", 60, "F1"),
            Return("ev-11", "RT-1", "inspected", 70, "F1"),
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        // Four requests and two returns shipped: six handovers expected, nothing from the other return steps.
        Assert.Equal(["PR-1", "PR-2", "PR-3", "RT-1", "RT-D-1", "doa-D-1"],
            state.Select(l => l.Split(' ')[1]["reference=".Length..]).Order(StringComparer.Ordinal));
    }
}
