using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Events.V1;
using Logistics.Custody.Events;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Custody.Tests;

/// <summary>
/// Custody's subscriber ends in the same ledger, serial states, anomalies, pairs and swap watch whatever the order and
/// duplication of its events: a recorded flow of several serials is replayed shuffled, with redeliveries, and compared.
/// </summary>
public sealed class OrderIndependenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Timestamp At(int minutes) => Timestamp.FromDateTimeOffset(T0.AddMinutes(minutes));

    private sealed class CustodyTables(NpgsqlDataSource db) : IReplayTarget
    {
        public NpgsqlDataSource Db => db;
        public ServiceProvider Services { get; } = new ServiceCollection()
            .AddSingleton<TimeProvider>(new TestClock(T0.AddDays(1)))
            .AddSingleton<CustodyRecorder>()
            .BuildServiceProvider();

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            var rows = new List<string>();
            // sequence and recorded_at are arrival order; everything else is the subscriber's state.
            rows.AddRange(await EventReplay.RowsAsync(db, "event",
                "SELECT event_id, serial, part_number, occurred_at, business_step, from_party, from_location, to_party, to_location, disposition, packaging, reference, corrects, source_event_id FROM custody_events"));
            rows.AddRange(await EventReplay.RowsAsync(db, "serial", "SELECT * FROM serials"));
            // A break found while an earlier event was missing is withdrawn once that event comes: the open ones are the state.
            const string withdrawn = "SELECT anomaly_id FROM anomaly_resolutions WHERE resolved_by = 'custody'";
            rows.AddRange(await EventReplay.RowsAsync(db, "anomaly",
                $"SELECT anomaly_id, kind, serial, detail, reference, event_id FROM anomalies WHERE anomaly_id NOT IN ({withdrawn})"));
            rows.AddRange(await EventReplay.RowsAsync(db, "pair", "SELECT * FROM serial_pairs"));
            rows.AddRange(await EventReplay.RowsAsync(db, "doa", "SELECT * FROM doa_pairs"));
            rows.AddRange(await EventReplay.RowsAsync(db, "swap", "SELECT * FROM swap_returns"));
            rows.AddRange(await EventReplay.RowsAsync(db, "published", $"SELECT topic, payload::text FROM outbox WHERE coalesce(payload->>'anomalyId', '') NOT IN ({withdrawn})"));
            return rows;
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    private readonly MigratedTemplate _template = new(postgres, async connectionString =>
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "custody" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("custody"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(CustodyRecorder).Assembly), CancellationToken.None);
    });

    private async Task<CustodyTables> FreshAsync() =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await _template.FreshAsync()) { SearchPath = "custody" }.ConnectionString));

    /// <summary>As MapIntegrationEvent hands an event to its handler: made from the app's services, with the transaction.</summary>
    private static Delivery<CustodyTables> Deliver<TEvent>(string id, string topic, TEvent e)
        where TEvent : IMessage<TEvent> =>
        new(id, topic, $"{id} {topic} {e}", (tables, tx) =>
            ActivatorUtilities.CreateInstance<CustodyHandler<TEvent>>(tables.Services).HandleAsync(e, new InboxContext(id, tx, tables.Services), CancellationToken.None));

    private static Delivery<CustodyTables> GoodsIn(string id, string centre, int minutes, params string[] serials) =>
        Deliver<StockMovementRecorded>(id, EventTopics.StockMovementRecorded, new StockMovementRecorded
        {
            MovementId = "mv-" + id, CentreId = centre, PartNumber = "P-100", Kind = "goods-in", Bin = "A-01", Serials = { serials },
            Quantity = serials.Length, DeltaOnHand = serials.Length, OccurredAt = At(minutes), Batch = "B-7",
        });

    private static Delivery<CustodyTables> Shipped(string id, string request, string engineer, int minutes, string serial, string doaClaim = "") =>
        Deliver<PartRequestShipped>(id, EventTopics.PartRequestShipped, new PartRequestShipped
        {
            RequestId = request, CentreId = "C1", PartNumber = "P-100", Serials = { serial }, Quantity = 1, Carrier = "DHL", TrackingNo = "TRK-" + request,
            EngineerId = engineer, SiteId = "SITE-" + engineer, ShippedBy = "wh-1", DoaClaimId = doaClaim, ShippedAt = At(minutes),
        });

    private static Delivery<CustodyTables> Delivered(string id, string kind, string request, string engineer, int minutes, string serial, bool flaggedForDoa = false) =>
        Deliver<ReceiptSigned>(id, EventTopics.ReceiptSigned, new ReceiptSigned
        {
            ReceiptId = "RC-" + id, Kind = kind, Reference = request, CentreId = "C1", PartNumber = "P-100", Serials = { serial }, Quantity = 1,
            SignedBy = engineer, HandedOverBy = "wh-1", SiteId = "SITE-" + engineer, SignedAt = At(minutes), OuterIntact = true, EsdBagSealed = true,
            Condition = "ok", FlaggedForDoa = flaggedForDoa, DeclaredSerials = { serial },
        });

    private static Delivery<CustodyTables> Changed(string id, string returnId, string step, int minutes, string serial, string request) =>
        Deliver<ReturnChanged>(id, EventTopics.ReturnChanged, new ReturnChanged
        {
            ReturnId = returnId, Step = step, State = step, RequestId = request, EngineerId = "eng-1", CentreId = "C1", PartNumber = "P-100",
            Serial = serial, Carrier = step == "shipped" ? "UPS" : "", TrackingNo = step == "shipped" ? "TRK-R1" : "", By = "eng-1",
            OccurredAt = At(minutes), SiteId = "SITE-eng-1", DueAt = At(60 * 24 * 10),
        });

    /// <summary>
    /// A day at centre C1 and C2: goods-in; a swap (S1 shipped, delivered, installed in place of faulty F1, F1 returned
    /// in a broken ESD bag and inspected); a DOA (S2 delivered damaged, the claim approved, S3 shipped as its
    /// replacement, S2 inspected); a count at C2 that finds S4 missing; a return escalated.
    /// </summary>
    private static List<Delivery<CustodyTables>> Flow() =>
    [
        GoodsIn("ev-01", "C1", 0, "S1", "S2", "S3"),
        GoodsIn("ev-02", "C2", 1, "S4", "S5"),
        Shipped("ev-03", "PR-1", "eng-1", 10, "S1"),
        Shipped("ev-04", "PR-2", "eng-2", 12, "S2"),
        Delivered("ev-05", "centre-to-engineer", "PR-1", "eng-1", 20, "S1"),
        Delivered("ev-06", "carrier-to-site", "PR-2", "eng-2", 25, "S2", flaggedForDoa: true),
        Deliver<PartInstalled>("ev-07", EventTopics.PartInstalled, new PartInstalled
        {
            RequestId = "PR-1", CentreId = "C1", PartNumber = "P-100", EngineerId = "eng-1", SiteId = "SITE-eng-1", TicketId = "T-1", EquipmentId = "EQ-5",
            InstalledSerial = "S1", RemovedSerial = "F1", DeliveredAt = At(20), InstalledAt = At(30),
        }),
        Changed("ev-08", "RT-1", "opened", 31, "F1", "PR-1"),
        Deliver<DoaClaimApproved>("ev-09", EventTopics.DoaClaimApproved, new DoaClaimApproved
        {
            ClaimId = "D-1", RequestId = "PR-2", Serial = "S2", CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-eng-2", TicketId = "T-2",
            EngineerId = "eng-2", ApprovedBy = "dm-1", ApprovedAt = At(35), ReplacementRequestId = "doa-D-1",
        }),
        Changed("ev-10", "RT-1", "packed", 40, "F1", "PR-1"),
        Shipped("ev-11", "doa-D-1", "eng-2", 45, "S3", doaClaim: "D-1"),
        Changed("ev-12", "RT-1", "shipped", 50, "F1", "PR-1"),
        Deliver<ReceiptSigned>("ev-13", EventTopics.ReceiptSigned, new ReceiptSigned
        {
            ReceiptId = "RC-13", Kind = "engineer-to-centre", Reference = "RT-1", CentreId = "C1", PartNumber = "P-100", Serials = { "F1" }, Quantity = 1,
            Faulty = true, SignedBy = "wh-1", HandedOverBy = "eng-1", SignedAt = At(60), OuterIntact = true, EsdBagSealed = false, Condition = "ok",
        }),
        Deliver<ReturnInspected>("ev-14", EventTopics.ReturnInspected, new ReturnInspected
        {
            ReturnId = "RT-1", CentreId = "C1", PartNumber = "P-100", Serial = "F1", Result = "confirmed-fault", InspectedAt = At(70), RequestId = "PR-1",
            EngineerId = "eng-1", InspectedBy = "wh-1",
        }),
        Deliver<DoaClaimChanged>("ev-15", EventTopics.DoaClaimChanged, new DoaClaimChanged
        {
            ClaimId = "D-1", Step = "inspected", State = "Inspected", Serial = "S2", RequestId = "PR-2", ReplacementRequestId = "doa-D-1",
            ReplacementSerial = "S3", CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-eng-2", By = "wh-1", Result = "confirmed-doa", OccurredAt = At(80),
        }),
        Deliver<StockMovementRecorded>("ev-16", EventTopics.StockMovementRecorded, new StockMovementRecorded
        {
            MovementId = "mv-16", CentreId = "C2", PartNumber = "P-100", Kind = "adjusted", Bin = "A-01", Serials = { "S4" }, Quantity = 1, DeltaOnHand = -1,
            Reference = "CNT-1", OccurredAt = At(90),
        }),
        Changed("ev-17", "RT-9", "escalated", 95, "S5", "PR-9"),
        // Kinds custody does not record: acknowledged without effect in any order.
        Deliver<StockMovementRecorded>("ev-18", EventTopics.StockMovementRecorded, new StockMovementRecorded
        {
            MovementId = "mv-18", CentreId = "C1", PartNumber = "P-100", Kind = "reserved", Quantity = 1, DeltaReserved = 1, Reference = "PR-1", OccurredAt = At(5),
        }),
    ];

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_custody()
    {
        var state = await EventReplay.AssertOrderIndependentAsync(Flow(), FreshAsync);

        // The flow is the one meant: S1 installed, F1 back and inspected, S2 dead and paired with S3, S4 missing at the count.
        Assert.Contains(state, l => l.StartsWith("serial: serial=S1 ", StringComparison.Ordinal) && l.Contains("holder=equipment:EQ-5"));
        Assert.Contains(state, l => l.StartsWith("serial: serial=F1 ", StringComparison.Ordinal) && l.Contains("holder=centre:C1") && l.Contains("disposition=damaged"));
        Assert.Contains(state, l => l.StartsWith("serial: serial=S4 ", StringComparison.Ordinal) && l.Contains("holder=unknown"));
        Assert.Contains(state, l => l.StartsWith("pair: faulty_serial=S2 good_serial=S3", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("anomaly:", StringComparison.Ordinal) && l.Contains("kind=packaging-non-compliant serial=F1"));
        Assert.Contains(state, l => l.StartsWith("anomaly:", StringComparison.Ordinal) && l.Contains("kind=faulty-part-overdue serial=S5"));
    }
}
