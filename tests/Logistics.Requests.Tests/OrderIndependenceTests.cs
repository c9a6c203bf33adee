using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;
using Logistics.Requests.Events;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Requests.Tests;

/// <summary>
/// requests' subscribers (centres and parts from the catalogue, shelf serials from stock movements, receipts, returns
/// and DOA approvals, inventory's answers to reservations) end in the same state whatever the order and duplication of
/// their events: a recorded flow is replayed shuffled, with redeliveries.
/// The replacement request's own steps (reserved, shipped, installed: commands and the reservation) and what they cause
/// (its receipt, its return's inspection) come after what caused them; everything else in any order.
/// </summary>
public sealed class OrderIndependenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private sealed class Tables : IReplayTarget
    {
        private readonly bool _outcomesOnly;

        public Tables(NpgsqlDataSource db, bool outcomesOnly = false)
        {
            Db = db;
            _outcomesOnly = outcomesOnly;
            Services = new ServiceCollection()
                .AddSingleton(db)
                .AddSingleton<TimeProvider>(new TestClock(T0.AddDays(1)))
                .AddSingleton(RequestPolicy.Default)
                .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
                .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
                .AddSingleton<RequestablePartsTable>()
                .AddSingleton<KnownCentresTable>()
                .AddSingleton<PartRequestStore>()
                .AddSingleton<ShelfSerialsTable>()
                .AddSingleton<FaultyPartReturnsTable>()
                .BuildServiceProvider();
        }

        public NpgsqlDataSource Db { get; }
        public ServiceProvider Services { get; }
        public PartRequestStore Requests => Services.GetRequiredService<PartRequestStore>();

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            if (_outcomesOnly)
                // Where each request ended and the last answer it announced. A stale answer that arrives first is
                // ignored once the newer one is in, so the history between may differ; the outcome may not.
                return
                [
                    .. await EventReplay.RowsAsync(Db, "request", "SELECT request_id, state FROM part_requests"),
                    .. await EventReplay.RowsAsync(Db, "announced", """
                        SELECT DISTINCT ON (payload->>'requestId') payload->>'requestId' AS request_id, payload->>'state' AS state
                        FROM outbox WHERE topic = 'part-request-reservation-changed' ORDER BY payload->>'requestId', seq DESC
                        """),
                ];
            var rows = new List<string>();
            // version counts updates; the document holds the whole request.
            rows.AddRange(await EventReplay.RowsAsync(Db, "request",
                "SELECT request_id, engineer_id, state, centre_id, part_number, submitted_at, ship_by, deliver_by, doa_claim_id, document::text FROM part_requests"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "part", "SELECT * FROM requestable_parts"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "centre", "SELECT * FROM known_centres"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "shelf", "SELECT * FROM shelf_serials"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "return", "SELECT * FROM faulty_part_returns"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "doa", "SELECT * FROM doa_claimed_requests"));
            rows.AddRange(await EventReplay.RowsAsync(Db, "published", "SELECT topic, payload::text FROM outbox"));
            return rows;
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await Db.DisposeAsync();
        }
    }

    private readonly MigratedTemplate _template = new(postgres, async connectionString =>
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "requests" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("requests"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(PartRequestStore).Assembly), None);
    });

    private async Task<Tables> FreshAsync() => await FreshAsync(outcomesOnly: false);

    private async Task<Tables> FreshAsync(bool outcomesOnly) =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await _template.FreshAsync()) { SearchPath = "requests" }.ConnectionString), outcomesOnly);

    private static Timestamp At(double hours) => Timestamp.FromDateTimeOffset(T0.AddHours(hours));

    /// <summary>As MapIntegrationEvent hands an event to its handler: made from the app's services, with the transaction.</summary>
    private static Delivery<Tables> Event<TEvent, THandler>(string id, string topic, string what, TEvent e, params string[] after)
        where TEvent : IMessage<TEvent>
        where THandler : IIntegrationEventHandler<TEvent> =>
        new(id, topic, $"{id} {what}",
            (t, tx) => ActivatorUtilities.CreateInstance<THandler>(t.Services).HandleAsync(e, new InboxContext(id, tx, t.Services), None), after);

    private static Delivery<Tables> Movement(string id, string centre, long sequence, string kind, int deltaOnHand, params string[] serials) =>
        Event<StockMovementRecorded, StockMovementRecordedHandler>(id, EventTopics.StockMovementRecorded, $"{centre}#{sequence} {kind} [{string.Join(",", serials)}]", new StockMovementRecorded
        {
            MovementId = "mv-" + id, Sequence = sequence, CentreId = centre, PartNumber = "P-100", Kind = kind, Bin = "A-01", Serials = { serials },
            Quantity = serials.Length, DeltaOnHand = deltaOnHand, OccurredAt = At(sequence),
        });

    private static Delivery<Tables> Centre(string id, string centre, long version, string name) =>
        Event<CentreDefined, CentreDefinedHandler>(id, EventTopics.CentreDefined, $"{centre} v{version}", new CentreDefined
        {
            CentreId = centre, Name = name, Bins = { "A-01" }, Version = version, OccurredAt = At(-100 + version), TimeZone = "Europe/Berlin", CalendarId = "de-standard",
        });

    private static Delivery<Tables> Part(string id, string part, long version, string description) =>
        Event<PartCatalogued, PartCataloguedHandler>(id, EventTopics.PartCatalogued, $"{part} v{version}", new PartCatalogued
        {
            PartNumber = part, Description = description, Serialized = true, Unit = "pcs", Version = version, OccurredAt = At(-100 + version), Supplier = "Acme",
        });

    private static Delivery<Tables> ReturnStep(string id, string returnId, string engineer, string step, double hours) =>
        Event<ReturnChanged, ReturnChangedHandler>(id, EventTopics.ReturnChanged, $"{returnId} {step}", new ReturnChanged
        {
            ReturnId = returnId, Step = step, State = step, RequestId = "PR-" + returnId, EngineerId = engineer, CentreId = "C1", PartNumber = "P-100",
            Serial = "F-" + returnId, By = "system", OccurredAt = At(hours),
        });

    private static Delivery<Tables> Command(string id, string what, string requestId, Action<PartRequest> change, params string[] after) =>
        new(id, "command", $"{id} {what}", async (t, tx) =>
        {
            var request = await t.Requests.FindForUpdateAsync(tx, requestId, None) ?? throw new InvalidOperationException($"{requestId} does not exist yet");
            change(request);
            await t.Requests.UpdateAsync(tx, request, None);
        }, after);

    private static Delivery<Tables> Transit(string id, string requestId, string step, double hours, params string[] after) =>
        Transit(id, requestId, "S4", step, hours, after);

    private static Delivery<Tables> Transit(string id, string requestId, string serial, string step, double hours, params string[] after) =>
        Event<TransitInvestigationChanged, TransitInvestigationChangedHandler>(id, EventTopics.TransitInvestigationChanged, $"TI-{requestId} {step}", new TransitInvestigationChanged
        {
            InvestigationId = "TI-" + requestId, Step = step, Reference = requestId, CentreId = "C1", PartNumber = "P-100", Serials = { serial }, Quantity = 1,
            EngineerId = "eng-1", CarrierClaimReference = step == "opened" ? "" : "CLM-1", By = step == "opened" ? "" : "sup-1", OccurredAt = At(hours),
        }, after);

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_requests_shelf_and_copies()
    {
        List<Delivery<Tables>> flow =
        [
            Centre("ev-01", "C1", 1, "Centre Nord"),
            Centre("ev-02", "C1", 2, "Centre Nord (Hamburg)"),
            Centre("ev-03", "C2", 1, "Centre Süd"),
            Part("ev-04", "P-100", 1, "Line card"),
            Part("ev-05", "P-100", 2, "Line card, 48 ports"),
            Part("ev-06", "P-200", 1, "Power supply"),
            Movement("ev-07", "C1", 1, "goods-in", 3, "S1", "S2", "S3"),
            Movement("ev-08", "C1", 2, "shipped", -1, "S1"),
            Movement("ev-09", "C1", 3, "faulty-in", 0, "F9"),
            Movement("ev-10", "C1", 4, "adjusted", 0, "S4", "S2"), // a count: S4 found, S2 missing
            Movement("ev-11", "C1", 5, "to-stock", 1, "S1"), // S1 came back with no fault found
            Movement("ev-12", "C2", 1, "goods-in", 1, "S7"),
            Movement("ev-13", "C1", 6, "reserved", 0), // a quantity movement: no serials, nothing for the shelf
            ReturnStep("ev-14", "RT-1", "eng-1", "unreturned", 300),
            ReturnStep("ev-15", "RT-1", "eng-1", "received", 310),
            ReturnStep("ev-16", "RT-2", "eng-2", "unreturned", 300),
            ReturnStep("ev-17", "RT-2", "eng-2", "packed", 200),
            Event<DoaClaimApproved, DoaClaimApprovedHandler>("ev-18", EventTopics.DoaClaimApproved, "D-1 approved", new DoaClaimApproved
            {
                ClaimId = "D-1", RequestId = "PR-1", Serial = "S-DEAD", CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-1", TicketId = "T-1",
                EngineerId = "eng-1", ApprovedBy = "dm-1", ApprovedAt = At(10), ReplacementRequestId = "doa-D-1",
            }),
            Command("cmd-1", "doa-D-1 reserved", "doa-D-1", r => r.RecordReservation(ReservationOutcome.Reserved, T0.AddHours(10.1)), "ev-18"),
            Command("cmd-2", "doa-D-1 shipped", "doa-D-1",
                r => r.Ship(["S3"], new EsdPackaging(true, "tape", true, "PKG-1"), "DHL", "TRK-1", "wh-1", T0.AddHours(11)), "cmd-1"),
            Event<ReceiptSigned, ReceiptSignedHandler>("ev-19", EventTopics.ReceiptSigned, "doa-D-1 delivered", new ReceiptSigned
            {
                ReceiptId = "RC-1", Kind = "centre-to-engineer", Reference = "doa-D-1", CentreId = "C1", PartNumber = "P-100", Serials = { "S3" }, Quantity = 1,
                SignedBy = "eng-1", SignedAt = At(14), HandedOverBy = "wh-1", SiteId = "SITE-1", OuterIntact = true, EsdBagSealed = true, Condition = "ok",
            }, "cmd-2"),
            Command("cmd-3", "doa-D-1 installed", "doa-D-1", r => r.Install("eng-1", "S3", "F-OLD", "EQ-5", T0.AddHours(15)), "ev-19"),
            Event<ReturnInspected, ReturnInspectedHandler>("ev-20", EventTopics.ReturnInspected, "F-OLD inspected", new ReturnInspected
            {
                ReturnId = "RT-9", CentreId = "C1", PartNumber = "P-100", Serial = "F-OLD", Result = "confirmed-fault", InspectedAt = At(60), RequestId = "doa-D-1",
                EngineerId = "eng-1", InspectedBy = "wh-1",
            }, "cmd-3"),
            Event<ReceiptSigned, ReceiptSignedHandler>("ev-21", EventTopics.ReceiptSigned, "a receipt of no request of ours", new ReceiptSigned
            {
                ReceiptId = "RC-2", Kind = "centre-to-engineer", Reference = "PR-404", CentreId = "C1", PartNumber = "P-100", Serials = { "S2" }, Quantity = 1,
                SignedBy = "eng-2", SignedAt = At(14), HandedOverBy = "wh-1", SiteId = "SITE-2",
            }),
            // A second replacement, shipped and never signed for: receipts' investigation writes it off (caused by our
            // shipment); its earlier steps and a write-off of no request of ours come in any order.
            Event<DoaClaimApproved, DoaClaimApprovedHandler>("ev-22", EventTopics.DoaClaimApproved, "D-2 approved", new DoaClaimApproved
            {
                ClaimId = "D-2", RequestId = "PR-2", Serial = "S-DEAD-2", CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-1", TicketId = "T-2",
                EngineerId = "eng-1", ApprovedBy = "dm-1", ApprovedAt = At(20), ReplacementRequestId = "doa-D-2",
            }),
            Command("cmd-4", "doa-D-2 reserved", "doa-D-2", r => r.RecordReservation(ReservationOutcome.Reserved, T0.AddHours(20.1)), "ev-22"),
            Command("cmd-5", "doa-D-2 shipped", "doa-D-2",
                r => r.Ship(["S4"], new EsdPackaging(true, "tape", true, "PKG-2"), "DHL", "TRK-2", "wh-1", T0.AddHours(21)), "cmd-4"),
            Transit("ev-23", "doa-D-2", "opened", 80, "cmd-5"),
            Transit("ev-24", "doa-D-2", "loss-proposed", 81, "cmd-5"),
            Transit("ev-25", "doa-D-2", "written-off", 82, "cmd-5"),
            Transit("ev-26", "PR-404", "written-off", 82),
            // A third replacement whose box arrived empty: the engineer reports the serial missing (the request is
            // Delivered with nothing delivered) and the investigation writes it off; either order ends LostInTransit.
            Event<DoaClaimApproved, DoaClaimApprovedHandler>("ev-27", EventTopics.DoaClaimApproved, "D-3 approved", new DoaClaimApproved
            {
                ClaimId = "D-3", RequestId = "PR-3", Serial = "S-DEAD-3", CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-1", TicketId = "T-3",
                EngineerId = "eng-1", ApprovedBy = "dm-1", ApprovedAt = At(30), ReplacementRequestId = "doa-D-3",
            }),
            Command("cmd-6", "doa-D-3 reserved", "doa-D-3", r => r.RecordReservation(ReservationOutcome.Reserved, T0.AddHours(30.1)), "ev-27"),
            Command("cmd-7", "doa-D-3 shipped", "doa-D-3",
                r => r.Ship(["S5"], new EsdPackaging(true, "tape", true, "PKG-3"), "DHL", "TRK-3", "wh-1", T0.AddHours(31)), "cmd-6"),
            Event<ReceiptSigned, ReceiptSignedHandler>("ev-28", EventTopics.ReceiptSigned, "doa-D-3 reported missing", new ReceiptSigned
            {
                ReceiptId = "RC-3", Kind = "carrier-to-site", Reference = "doa-D-3", CentreId = "C1", PartNumber = "P-100", Quantity = 0, SignedBy = "eng-1",
                SignedAt = At(34), HandedOverBy = "wh-1", SiteId = "SITE-1", OuterIntact = true, EsdBagSealed = true, Condition = "missing",
                DeclaredSerials = { "S5" }, MissingSerials = { "S5" },
            }, "cmd-7"),
            Transit("ev-29", "doa-D-3", "S5", "written-off", 90, "cmd-7"),
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        // The flow is the one meant: the replacement closed by its return's inspection, S1 back on the shelf, S2 missing,
        // the newest centre name and part description, eng-1's return settled and eng-2's still unreturned.
        Assert.Contains(state, l => l.StartsWith("request: request_id=doa-D-1 ", StringComparison.Ordinal) && l.Contains("state=Closed"));
        Assert.Contains(state, l => l.StartsWith("request: request_id=doa-D-2 ", StringComparison.Ordinal) && l.Contains("state=LostInTransit"));
        Assert.Contains(state, l => l.StartsWith("request: request_id=doa-D-3 ", StringComparison.Ordinal) && l.Contains("state=LostInTransit"));
        Assert.Contains(state, l => l.StartsWith("shelf: centre_id=C1 part_number=P-100 serial=S1 on_hand=True", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("shelf: centre_id=C1 part_number=P-100 serial=S2 on_hand=False", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("centre: centre_id=C1 name=Centre Nord (Hamburg) version=2", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("part: part_number=P-100 description=Line card, 48 ports", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("return: return_id=RT-1 engineer_id=eng-1 unreturned=True settled=True", StringComparison.Ordinal));
        Assert.Contains(state, l => l.StartsWith("return: return_id=RT-2 engineer_id=eng-2 unreturned=True settled=False", StringComparison.Ordinal));
    }

    private static Delivery<Tables> Approved(string id, string claim) =>
        Event<DoaClaimApproved, DoaClaimApprovedHandler>(id, EventTopics.DoaClaimApproved, $"{claim} approved", new DoaClaimApproved
        {
            ClaimId = claim, RequestId = "PR-" + claim, Serial = "DEAD-" + claim, CentreId = "C1", PartNumber = "P-100", SiteId = "SITE-1", TicketId = "T-" + claim,
            EngineerId = "eng-1", ApprovedBy = "dm-1", ApprovedAt = At(1), ReplacementRequestId = "doa-" + claim,
        });

    /// <summary>Inventory's answer; it follows the approval that caused it (requests publishes the approval, inventory answers).</summary>
    private static Delivery<Tables> Answer(string id, string requestId, string centre, long sequence, string state, string? cause = null) =>
        Event<StockReservationChanged, StockReservationChangedHandler>(id, EventTopics.StockReservationChanged, $"{requestId} {state} #{sequence} at {centre}", new StockReservationChanged
        {
            ReservationId = $"{centre}.Q-{requestId}", Sequence = sequence, CentreId = centre, PartNumber = "P-100", State = state, Quantity = 1,
            Reference = requestId, OccurredAt = At(2 + sequence),
        }, cause is null ? [] : [cause]);

    [Fact]
    public async Task Every_order_and_duplication_of_reservation_answers_ends_each_request_in_the_same_state()
    {
        List<Delivery<Tables>> flow =
        [
            Centre("ev-01", "C1", 1, "Centre Nord"),
            Approved("ev-02", "D-1"),
            Approved("ev-03", "D-2"),
            Approved("ev-04", "D-3"),
            Answer("ev-05", "doa-D-1", "C1", 3, "reserved", "ev-02"),
            Answer("ev-06", "doa-D-2", "C1", 4, "backordered", "ev-03"),
            Answer("ev-07", "doa-D-3", "C1", 5, "backordered", "ev-04"),
            Answer("ev-08", "doa-D-2", "C1", 9, "reserved", "ev-03"), // served from a later goods-in
            Answer("ev-09", "doa-D-1", "C2", 2, "backordered", "ev-02"), // another centre's reservation with the same reference
            Answer("ev-10", "MANUAL-1", "C1", 6, "reserved"), // a reservation made through the API: no request of ours
            Answer("ev-11", "doa-D-3", "C1", 7, "released", "ev-04"), // a release answers a cancel, never a state
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, () => FreshAsync(outcomesOnly: true));

        Assert.Contains("request: request_id=doa-D-1 state=Reserved", state);
        Assert.Contains("request: request_id=doa-D-2 state=Reserved", state);
        Assert.Contains("request: request_id=doa-D-3 state=Backordered", state);
        Assert.Contains("announced: request_id=doa-D-2 state=reserved", state);
        Assert.DoesNotContain(state, l => l.Contains("MANUAL-1", StringComparison.Ordinal));
    }
}
