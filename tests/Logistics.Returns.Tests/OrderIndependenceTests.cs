using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.Returns.Events;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

/// <summary>
/// The returns subscriber ends in the same returns, replacement shipments and published steps whatever the order and
/// duplication of its events: a recorded flow of two swaps and two DOA claims is replayed shuffled, with redeliveries.
/// The engineer's pack-and-ship and the receipt and inspection that follow it come after the return opened (they are
/// caused by it), everything else in any order.
/// </summary>
public sealed class OrderIndependenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private sealed class Tables(NpgsqlDataSource db) : IReplayTarget
    {
        public NpgsqlDataSource Db => db;
        public ReturnStore Store { get; } = new(db);
        private readonly TestClock _clock = new(Approved.AddDays(1));
        private readonly ReturnsSettings _settings = new();
        public PartInstalledHandler OnPartInstalled => new(Store, _settings, _clock, NullLogger<PartInstalledHandler>.Instance);
        public DoaClaimApprovedHandler OnDoaClaimApproved => new(Store, _settings, _clock, NullLogger<DoaClaimApprovedHandler>.Instance);
        public PartRequestShippedHandler OnPartRequestShipped => new(Store, _settings, _clock, NullLogger<PartRequestShippedHandler>.Instance);
        public ReceiptSignedHandler OnReceiptSigned => new(Store, _clock, NullLogger<ReceiptSignedHandler>.Instance);
        public DoaClaimChangedHandler OnDoaClaimChanged => new(Store, _clock, NullLogger<DoaClaimChangedHandler>.Instance);

        public async Task<IReadOnlyList<string>> StateAsync()
        {
            var rows = new List<string>();
            // version counts saves, which depends on how the same facts arrived; the document holds the whole return.
            rows.AddRange(await EventReplay.RowsAsync(db, "return",
                "SELECT return_id, kind, request_id, doa_claim_id, engineer_id, centre_id, part_number, serial, state, opened_at, due_at, unreturned_at, overdue, escalated, unreturned, document::text FROM returns"));
            rows.AddRange(await EventReplay.RowsAsync(db, "replacement", "SELECT * FROM dead_unit_replacements"));
            // A published step is a snapshot of its moment: "opened" carries the due date known then, which a replacement
            // shipment arriving later moves. The steps published are the state; the final due date is in the return above.
            rows.AddRange(await EventReplay.RowsAsync(db, "published",
                "SELECT topic, payload->>'returnId', payload->>'step', payload->>'state', payload->>'by', payload->>'occurredAt', payload->>'result' FROM outbox"));
            return rows;
        }

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }

    private readonly MigratedTemplate _template = new(postgres, async connectionString =>
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "returns" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("returns"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ReturnStore).Assembly), None);
    });

    private async Task<Tables> FreshAsync() =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await _template.FreshAsync()) { SearchPath = "returns" }.ConnectionString));

    private static Timestamp At(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    private static Delivery<Tables> Swap(string id, string request, string engineer, string removed) => new(id, EventTopics.PartInstalled, $"{id} {request} installed",
        (t, tx) => t.OnPartInstalled.HandleAsync(new PartInstalled
        {
            RequestId = request, CentreId = "C1", PartNumber = Part, EngineerId = engineer, SiteId = "SITE-1", TicketId = "T-" + request, EquipmentId = "EQ-7",
            InstalledSerial = "G-" + request, RemovedSerial = removed, DeliveredAt = At(Delivered), InstalledAt = At(Installed),
        }, ReturnsDatabase.Inbox(tx), None));

    private static Delivery<Tables> Approval(string id, string claim, string serial) => new(id, EventTopics.DoaClaimApproved, $"{id} {claim} approved",
        (t, tx) => t.OnDoaClaimApproved.HandleAsync(new DoaClaimApproved
        {
            ClaimId = claim, RequestId = "PR-" + claim, Serial = serial, CentreId = "C1", PartNumber = Part, SiteId = "SITE-1", TicketId = "T-" + claim,
            EngineerId = Engineer, ApprovedBy = "dm-1", ApprovedAt = At(Approved), ReplacementRequestId = "doa-" + claim,
        }, ReturnsDatabase.Inbox(tx), None));

    private static Delivery<Tables> Shipment(string id, string request, string claim, string serial, DateTimeOffset at) => new(id, EventTopics.PartRequestShipped, $"{id} {request} shipped",
        (t, tx) => t.OnPartRequestShipped.HandleAsync(new PartRequestShipped
        {
            RequestId = request, CentreId = "C1", PartNumber = Part, Serials = { serial }, Quantity = 1, Carrier = "DHL", TrackingNo = "TRK-" + request,
            ShippedAt = At(at), EngineerId = Engineer, DoaClaimId = claim,
        }, ReturnsDatabase.Inbox(tx), None));

    /// <summary>The engineer packs and ships the return (a command, not an event): possible only once the return is open.</summary>
    private static Delivery<Tables> PackAndShip(string id, string returnId, DateTimeOffset at, string openedBy) => new(id, "command", $"{id} {returnId} packed and shipped",
        async (t, tx) =>
        {
            var r = await t.Store.FindForUpdateAsync(tx, returnId, None) ?? throw new InvalidOperationException($"{returnId} is not open yet");
            r.Pack(Engineer, PackingFor(r), at);
            r.Ship(Engineer, "UPS", "TRK-" + returnId, at.AddHours(1));
            await ReturnChanges.SaveAsync(t.Store, tx, r, None);
        }, [openedBy]);

    private static Delivery<Tables> Receipt(string id, string returnId, string serial, DateTimeOffset at, string shippedBy, bool esd = true) => new(id, EventTopics.ReceiptSigned, $"{id} {returnId} received",
        (t, tx) => t.OnReceiptSigned.HandleAsync(new ReceiptSigned
        {
            ReceiptId = "RC-" + id, Kind = "engineer-to-centre", Reference = returnId, CentreId = "C1", PartNumber = Part, Serials = { serial }, Quantity = 1,
            Faulty = true, SignedBy = "wh-1", SignedAt = At(at), HandedOverBy = Engineer, OuterIntact = true, EsdBagSealed = esd, Condition = "ok",
        }, ReturnsDatabase.Inbox(tx), None), [shippedBy]);

    [Fact]
    public async Task Every_order_and_duplication_of_a_flow_ends_in_the_same_returns()
    {
        var swapReturn = ReturnIds.ForSwap("PR-1");
        var deadUnitReturn = ReturnIds.ForDeadUnit("D-1");
        List<Delivery<Tables>> flow =
        [
            Swap("ev-01", "PR-1", Engineer, "F1"),
            Swap("ev-02", "PR-2", "eng-2", "F2"),
            Approval("ev-03", "D-1", "S-DEAD-1"),
            Shipment("ev-04", "doa-D-1", "D-1", "S-REPL-1", Approved.AddHours(6)),
            Approval("ev-05", "D-2", "S-DEAD-2"),
            Shipment("ev-06", "doa-D-2", "D-2", "S-REPL-2", Approved.AddHours(8)), // may reach returns before the approval
            Shipment("ev-07", "PR-9", "", "S9", Approved), // an ordinary shipment: no return involved
            PackAndShip("cmd-1", swapReturn, Installed.AddHours(2), "ev-01"),
            Receipt("ev-08", swapReturn, "F1", Installed.AddDays(2), "cmd-1", esd: false),
            PackAndShip("cmd-2", deadUnitReturn, Approved.AddDays(1), "ev-03"),
            Receipt("ev-09", deadUnitReturn, "S-DEAD-1", Approved.AddDays(3), "cmd-2"),
            // doa inspects the dead unit once returns told it the unit was received (its own return-changed "received").
            new("ev-10", EventTopics.DoaClaimChanged, "ev-10 D-1 inspected", (t, tx) => t.OnDoaClaimChanged.HandleAsync(new DoaClaimChanged
            {
                ClaimId = "D-1", Step = "inspected", State = "Inspected", Serial = "S-DEAD-1", CentreId = "C1", PartNumber = Part, By = "wh-2",
                Result = "confirmed-doa", OccurredAt = At(Approved.AddDays(4)),
            }, ReturnsDatabase.Inbox(tx), None), ["ev-09"]),
            Receipt("ev-11", "PR-9", "S9", Approved.AddDays(1), "ev-07"), // a receipt of a request, not a return: not ours
        ];
        var state = await EventReplay.AssertOrderIndependentAsync(flow, FreshAsync);

        // The flow is the one meant: the swap's return received, the dead unit's closed by the claim's inspection, D-2's
        // deadline from its replacement's shipment, PR-2's return still open.
        Assert.Contains(state, l => l.StartsWith($"return: return_id={swapReturn} ", StringComparison.Ordinal) && l.Contains("state=Received"));
        Assert.Contains(state, l => l.StartsWith($"return: return_id={deadUnitReturn} ", StringComparison.Ordinal) && l.Contains("state=Closed"));
        Assert.Contains(state, l => l.StartsWith($"return: return_id={ReturnIds.ForDeadUnit("D-2")} ", StringComparison.Ordinal)
            && l.Contains($"due_at={Approved.AddHours(8).AddDays(30).UtcDateTime:O}"));
        Assert.Contains(state, l => l.StartsWith($"return: return_id={ReturnIds.ForSwap("PR-2")} ", StringComparison.Ordinal) && l.Contains("state=Open"));
    }
}
