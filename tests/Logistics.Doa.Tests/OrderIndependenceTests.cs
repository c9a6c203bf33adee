using Google.Protobuf.WellKnownTypes;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>
/// doa's subscriptions end in the same deliveries, tickets, claims, report facts and published steps whatever the order
/// and duplication of their events: a recorded flow (deliveries and a receipt correction, a claim filed, approved,
/// replaced, returned and inspected, catalogue and goods-in facts) is replayed shuffled, with redeliveries. The claim's
/// commands and the events they cause (the replacement's shipment and receipt, the dead unit's return) come after what
/// caused them; everything else in any order.
/// </summary>
public sealed class OrderIndependenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DoaPolicy Policy = DoaPolicy.Default;

    private sealed class Tables : IReplayTarget
    {
        public Tables(NpgsqlDataSource db)
        {
            Db = db;
            var deliveries = new DeliveriesTable();
            var tickets = new RequestTicketsTable();
            Claims = new ClaimStore(db, deliveries, tickets);
            Facts = new Handlers(Claims, deliveries, tickets, new TestClock(T0.AddHours(5)));
        }

        public NpgsqlDataSource Db { get; }
        public ClaimStore Claims { get; }
        public Handlers Facts { get; }

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            var rows = new List<string>();
            rows.AddRange(await EventReplay.RowsAsync(Db, "delivery", "SELECT * FROM deliveries"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "ticket", "SELECT * FROM request_tickets"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "claim", "SELECT claim_id, part_number, serial, request_id, state, replacement_request_id, document::text FROM doa_claims"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "supplier", "SELECT * FROM part_suppliers"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "batch", "SELECT * FROM serial_batches"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "published", "SELECT topic, payload::text FROM outbox"));
            return rows;
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private readonly MigratedTemplate _template = new(postgres, async connectionString =>
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "doa" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("doa"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ClaimStore).Assembly), None);
    });

    private async Task<Tables> FreshAsync() =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await _template.FreshAsync()) { SearchPath = "doa" }.ConnectionString));

    private static Timestamp At(double hours) => Timestamp.FromDateTimeOffset(T0.AddHours(hours));

    private static Delivery<Tables> Receipt(string id, string receiptId, string kind, string reference, string engineer, double hours, string[] serials,
        string supersedes = "", string[]? withdrawn = null, string[]? after = null)
    {
        var e = new ReceiptSigned
        {
            ReceiptId = receiptId, Kind = kind, Reference = reference, CentreId = "C-1", PartNumber = "P-100", Serials = { serials }, Quantity = serials.Length,
            SignedBy = engineer, SignedAt = At(hours), HandedOverBy = "wh-1", SiteId = "SITE-" + engineer, OuterIntact = true, EsdBagSealed = true,
            Condition = "ok", Supersedes = supersedes, WithdrawnSerials = { withdrawn ?? [] },
        };
        return new(id, EventTopics.ReceiptSigned, $"{id} {receiptId} {kind} {reference} [{string.Join(",", serials)}]",
            (t, tx) => t.Facts.OnReceiptSignedAsync(tx, e, None), after);
    }

    private static Delivery<Tables> Shipped(string id, string request, double hours, string serial, string claim = "", string[]? after = null)
    {
        var e = new PartRequestShipped
        {
            RequestId = request, CentreId = "C-1", PartNumber = "P-100", Serials = { serial }, Quantity = 1, Carrier = "DHL", TrackingNo = "TRK-" + request,
            ShippedAt = At(hours), EngineerId = "eng-1", SiteId = "SITE-eng-1", TicketId = "T-" + request, ShippedBy = "wh-1", DoaClaimId = claim,
        };
        return new(id, EventTopics.PartRequestShipped, $"{id} {request} shipped", (t, tx) => t.Facts.OnPartRequestShippedAsync(tx, e, None), after);
    }

    private static Delivery<Tables> Command(string id, string what, Func<Tables, NpgsqlTransaction, Task> run, params string[] after) =>
        new(id, "command", $"{id} {what}", run, after);

    private static Delivery<Tables> Catalogued(string id, long version, string supplier) =>
        new(id, EventTopics.PartCatalogued, $"{id} P-100 v{version}", (_, tx) => Handlers.OnPartCataloguedAsync(tx, new PartCatalogued
        {
            PartNumber = "P-100", Description = "Line card", Serialized = true, Unit = "pcs", Version = version, OccurredAt = At(-100 + version), Supplier = supplier,
        }, None));

    private static Delivery<Tables> GoodsIn(string id, double hours, string batch, params string[] serials) =>
        new(id, EventTopics.StockMovementRecorded, $"{id} goods-in {batch}", (_, tx) => Handlers.OnStockMovementRecordedAsync(tx, new StockMovementRecorded
        {
            MovementId = "mv-" + id, CentreId = "C-1", PartNumber = "P-100", Kind = "goods-in", Bin = "A-01", Serials = { serials }, Quantity = serials.Length,
            DeltaOnHand = serials.Length, OccurredAt = At(hours), Batch = batch,
        }, None));

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_claims_and_facts()
    {
        List<Delivery<Tables>> flow =
        [
            GoodsIn("ev-01", -200, "B-1", "S1", "S2", "S3", "S4"),
            GoodsIn("ev-02", -100, "B-2", "S1"), // S1 came back and was received again: the latest goods-in is its batch
            Catalogued("ev-03", 1, "Acme"),
            Catalogued("ev-04", 2, "Acme Components"),
            Shipped("ev-05", "PR-1", -1, "S1"),
            Receipt("ev-06", "RC-1", "centre-to-engineer", "PR-1", "eng-1", 0, ["S1", "S2"]),
            Receipt("ev-07", "RC-2", "carrier-to-site", "PR-2", "eng-2", 0.5, ["S3"]),
            // S4 delivered on PR-3, then the receipt corrected: S4 withdrawn, S5 signed for instead.
            Receipt("ev-08", "RC-3", "centre-to-engineer", "PR-3", "eng-2", 1, ["S4"]),
            Receipt("ev-09", "RC-4", "centre-to-engineer", "PR-3", "eng-2", 1.5, ["S5"], supersedes: "RC-3", withdrawn: ["S4"]),
            Receipt("ev-10", "RC-0", "centre-to-engineer", "PR-0", "eng-2", -48, ["S4"]), // an older delivery of S4
            Receipt("ev-11", "RC-9", "engineer-to-centre", "RT-1", "wh-1", 2, ["S2"]), // not a delivery
            Command("cmd-1", "file D-1 on S1", (t, tx) => t.Claims.FileAndPublishAsync(tx, "D-1",
                new DoaFiling("PR-1", "S1", "unboxing", null, null, "no power", ["PHOTO-1"], true, null),
                new Filer("dm-1", true), Policy, T0.AddHours(1), None), "ev-06", "ev-05"),
            Command("cmd-2", "approve D-1", async (t, tx) =>
            {
                var claim = await t.Claims.FindForUpdateAsync(tx, "D-1", None) ?? throw new InvalidOperationException("D-1 is not filed yet");
                await t.Claims.SaveAndPublishAsync(tx, claim, claim.Approve("dm-2", T0.AddHours(2)), None);
            }, "cmd-1"),
            Shipped("ev-12", "doa-D-1", 3, "R1", claim: "D-1", after: ["cmd-2"]),
            Receipt("ev-13", "RC-5", "centre-to-engineer", "doa-D-1", "eng-1", 4, ["R1"], after: ["cmd-2"]),
            new("ev-14", EventTopics.ReturnChanged, "ev-14 RT-D-1 received", (t, tx) => t.Facts.OnReturnChangedAsync(tx, new ReturnChanged
            {
                ReturnId = "RT-D-1", Step = "received", State = "Received", RequestId = "PR-1", DoaClaimId = "D-1", EngineerId = "eng-1", CentreId = "C-1",
                PartNumber = "P-100", Serial = "S1", ReceiptId = "RC-6", By = "wh-1", OccurredAt = At(30),
            }, None), ["cmd-2"]),
            Command("cmd-3", "inspect D-1", async (t, tx) =>
            {
                var claim = await t.Claims.FindForUpdateAsync(tx, "D-1", None) ?? throw new InvalidOperationException("no D-1");
                await t.Claims.SaveAndPublishAsync(tx, claim, claim.Inspect("confirmed-doa", "dead PSU", "wh-2", T0.AddHours(31), Policy), None);
            }, "ev-12", "ev-13", "ev-14"),
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        // The flow is the one meant: the claim closed, S4's delivery withdrawn (and the older one with it), S5 delivered,
        // the newest supplier and goods-in.
        Assert.Contains(state, l => l.StartsWith("claim: claim_id=D-1 ", StringComparison.Ordinal) && l.Contains("state=Closed"));
        Assert.DoesNotContain(state, l => l.StartsWith("delivery: part_number=P-100 serial=S4 ", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("delivery: part_number=P-100 serial=S5 request_id=PR-3 ", StringComparison.Ordinal));
        Assert.Contains("supplier: part_number=P-100 supplier=Acme Components version=2", state);
        Assert.Contains(state, l => l.StartsWith("batch: part_number=P-100 serial=S1 batch=B-2 ", StringComparison.Ordinal));
    }
}
