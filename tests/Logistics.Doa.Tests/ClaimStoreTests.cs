using Google.Protobuf.WellKnownTypes;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>
/// The store and the event handlers on a real Postgres (one database per test): deliveries from receipts, filing under
/// the serial lock, the events published through the outbox, and facts arriving out of order.
/// </summary>
public sealed class ClaimStoreTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly DateTimeOffset Signed = DateTimeOffset.UtcNow.AddHours(-5);
    private static readonly DoaPolicy Policy = DoaPolicy.Default;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private NpgsqlDataSource _db = null!;
    private ClaimStore _store = null!;
    private Handlers _facts = null!;

    public async Task InitializeAsync()
    {
        _db = await DoaDatabase.CreateAsync(postgres);
        var deliveries = new DeliveriesTable();
        var tickets = new RequestTicketsTable();
        _store = new ClaimStore(_db, deliveries, tickets);
        _facts = new Handlers(_store, deliveries, tickets, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<T> InTxAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var conn = await _db.OpenConnectionAsync(Ct);
        await using var tx = await conn.BeginTransactionAsync(Ct);
        var result = await work(tx);
        await tx.CommitAsync(Ct);
        return result;
    }

    private Task InTxAsync(Func<NpgsqlTransaction, Task> work) => InTxAsync(async tx => { await work(tx); return 0; });

    private static ReceiptSigned Receipt(string serial, string reference = "PR-1", DateTimeOffset? at = null, string kind = "centre-to-engineer",
        string by = "eng-1", string receiptId = "RC-1", string doaClaimId = "") => new()
    {
        ReceiptId = receiptId, Kind = kind, Reference = reference, CentreId = "C-1", PartNumber = "P-100", Serials = { serial }, Quantity = 1,
        SignedBy = by, SignedAt = Timestamp.FromDateTimeOffset(at ?? Signed), SiteId = "SITE-9", DoaClaimId = doaClaimId,
    };

    private static DoaFiling Unboxing(string serial = "S1", string requestId = "PR-1") =>
        new(requestId, serial, "unboxing", null, null, "no power", ["PHOTO-1"], true, null);

    private Task<DoaClaim> FileAsync(string claimId, DoaFiling? filing = null, Filer? filer = null) =>
        InTxAsync(tx => _store.FileAndPublishAsync(tx, claimId, filing ?? Unboxing(), filer ?? new Filer("dm-1", true), Policy, DateTimeOffset.UtcNow, Ct));

    private async Task<List<(string Topic, string Step, string State)>> OutboxAsync()
    {
        await using var cmd = _db.CreateCommand("SELECT topic, coalesce(payload->>'step', ''), coalesce(payload->>'state', '') FROM outbox ORDER BY seq");
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync(Ct)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = _db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_delivered_unit_is_claimed_with_the_ticket_of_its_request_and_filed_is_published()
    {
        await InTxAsync(tx => _facts.OnPartRequestShippedAsync(tx, new PartRequestShipped { RequestId = "PR-1", TicketId = "T-42", Serials = { "S1" } }, Ct));
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1"), Ct));

        var claim = await FileAsync("DOA-1");
        Assert.Equal(("eng-1", "SITE-9", "C-1", "P-100", "T-42"), (claim.EngineerId, claim.SiteId, claim.CentreId, claim.PartNumber, claim.TicketId));
        Assert.Equal(Signed.ToUnixTimeMilliseconds(), claim.DeliveredAt.ToUnixTimeMilliseconds());
        Assert.Equal([(EventTopics.DoaClaimChanged, "filed", "Filed")], await OutboxAsync());

        var read = await _store.FindAsync("DOA-1", Ct);
        Assert.Equal(ClaimDocument.Write(claim), ClaimDocument.Write(read!));
    }

    [Fact]
    public async Task A_refused_filing_writes_nothing()
    {
        var e = await Assert.ThrowsAsync<RuleViolationException>(() => FileAsync("DOA-1"));
        Assert.Equal("serial S1 was not delivered on request PR-1", e.Message);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM doa_claims"));
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task Receipts_of_other_kinds_deliver_nothing()
    {
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1", kind: "engineer-to-centre"), Ct));
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S2", kind: "supplier-to-centre"), Ct));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM deliveries"));
    }

    [Fact]
    public async Task The_newer_delivery_of_a_serial_wins_whatever_order_the_receipts_arrive_in()
    {
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1", "PR-2", Signed.AddHours(1), receiptId: "RC-2"), Ct));
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1", "PR-1", Signed, receiptId: "RC-1"), Ct));

        var e = await Assert.ThrowsAsync<RuleViolationException>(() => FileAsync("DOA-1", Unboxing(requestId: "PR-1")));
        Assert.Equal("serial S1 was not delivered on request PR-1", e.Message);
        Assert.Equal("PR-2", (await FileAsync("DOA-2", Unboxing(requestId: "PR-2"))).RequestId);
    }

    [Fact]
    public async Task A_correction_that_withdraws_the_serial_removes_its_delivery()
    {
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1", receiptId: "RC-1"), Ct));
        var correction = Receipt("S2", receiptId: "RC-2");
        correction.Supersedes = "RC-1";
        correction.WithdrawnSerials.Add("S1");
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, correction, Ct));

        await Assert.ThrowsAsync<RuleViolationException>(() => FileAsync("DOA-1", Unboxing("S1")));
        await FileAsync("DOA-2", Unboxing("S2"));
    }

    [Fact]
    public async Task Two_claims_for_one_serial_filed_at_once_give_one_claim()
    {
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1"), Ct));

        var attempts = await Task.WhenAll(Enumerable.Range(1, 4).Select(async i =>
        {
            try { await FileAsync($"DOA-{i}", filer: new Filer($"dm-{i}", true)); return null; }
            catch (RuleViolationException e) { return e.Message; }
        }));

        Assert.Single(attempts, a => a is null);
        Assert.All(attempts.Where(a => a is not null), a => Assert.StartsWith("serial S1 already has claim DOA-", a));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM doa_claims"));
    }

    [Fact]
    public async Task A_claim_rejected_leaves_the_serial_free_for_another()
    {
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1"), Ct));
        await FileAsync("DOA-1");
        await InTxAsync(async tx =>
        {
            var claim = (await _store.FindForUpdateAsync(tx, "DOA-1", Ct))!;
            await _store.SaveAndPublishAsync(tx, claim, claim.Reject("dm-2", "photos show a working unit", DateTimeOffset.UtcNow, Policy), Ct);
        });
        Assert.Equal(DoaClaimState.Filed, (await FileAsync("DOA-2")).State);
    }

    [Fact]
    public async Task The_whole_life_with_facts_out_of_order_publishes_every_step_in_order()
    {
        await InTxAsync(tx => _facts.OnPartRequestShippedAsync(tx, new PartRequestShipped { RequestId = "PR-1", TicketId = "T-42", Serials = { "S1" } }, Ct));
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("S1"), Ct));
        await FileAsync("DOA-1");
        await InTxAsync(async tx =>
        {
            var claim = (await _store.FindForUpdateAsync(tx, "DOA-1", Ct))!;
            await _store.SaveAndPublishAsync(tx, claim, claim.Approve("dm-2", DateTimeOffset.UtcNow), Ct);
        });

        // The dead unit reaches the centre before the replacement is even shipped.
        await InTxAsync(tx => _facts.OnReturnChangedAsync(tx, new ReturnChanged
        {
            ReturnId = "RET-1", Step = "received", State = "Received", DoaClaimId = "DOA-1", Serial = "S1", By = "wh-2",
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, Ct));
        // A return step that is not ours, and another claim's return, change nothing.
        await InTxAsync(tx => _facts.OnReturnChangedAsync(tx, new ReturnChanged { ReturnId = "RET-1", Step = "shipped", DoaClaimId = "DOA-1" }, Ct));
        await InTxAsync(tx => _facts.OnReturnChangedAsync(tx, new ReturnChanged { ReturnId = "RET-7", Step = "received", DoaClaimId = "DOA-404" }, Ct));
        await InTxAsync(tx => _facts.OnPartRequestShippedAsync(tx, new PartRequestShipped
        {
            RequestId = "doa-DOA-1", DoaClaimId = "DOA-1", Serials = { "R1" }, ShippedBy = "wh-1", TicketId = "T-42",
            ShippedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, Ct));
        // The replacement's receipt names only its request; it is found by the replacement request id (and delivers R1).
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("R1", "doa-DOA-1", DateTimeOffset.UtcNow, "carrier-to-site", receiptId: "RC-9"), Ct));
        // Told again: nothing more.
        await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt("R1", "doa-DOA-1", DateTimeOffset.UtcNow, "carrier-to-site", receiptId: "RC-9"), Ct));

        var returned = (await _store.FindAsync("DOA-1", Ct))!;
        Assert.Equal(DoaClaimState.UnitReturned, returned.State);
        Assert.Equal(("R1", "RET-1"), (returned.ReplacementSerial, returned.DeadUnitReturn!.ReturnId));

        await InTxAsync(async tx =>
        {
            var claim = (await _store.FindForUpdateAsync(tx, "DOA-1", Ct))!;
            await _store.SaveAndPublishAsync(tx, claim, claim.Inspect("confirmed-doa", "", "wh-3", DateTimeOffset.UtcNow, Policy), Ct);
        });

        Assert.Equal(
        [
            (EventTopics.DoaClaimChanged, "filed", "Filed"),
            (EventTopics.DoaClaimApproved, "", ""),
            (EventTopics.DoaClaimChanged, "approved", "Approved"),
            (EventTopics.DoaClaimChanged, "replacement-shipped", "ReplacementShipped"),
            (EventTopics.DoaClaimChanged, "replacement-received", "ReplacementReceived"),
            (EventTopics.DoaClaimChanged, "unit-returned", "UnitReturned"),
            (EventTopics.DoaClaimChanged, "inspected", "Inspected"),
            (EventTopics.DoaClaimChanged, "closed", "Closed"),
        ], await OutboxAsync());

        await using var cmd = _db.CreateCommand("SELECT payload::text FROM outbox WHERE topic = $1");
        cmd.Parameters.Add(new() { Value = EventTopics.DoaClaimApproved });
        var approved = ProtoJson.Parser.Parse<DoaClaimApproved>((string)(await cmd.ExecuteScalarAsync(Ct))!);
        Assert.Equal(("DOA-1", "PR-1", "S1", "C-1", "P-100", "SITE-9", "T-42", "eng-1", "dm-2", "doa-DOA-1"),
            (approved.ClaimId, approved.RequestId, approved.Serial, approved.CentreId, approved.PartNumber, approved.SiteId, approved.TicketId,
             approved.EngineerId, approved.ApprovedBy, approved.ReplacementRequestId));
        Assert.NotNull(approved.ApprovedAt);

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM deliveries WHERE serial = 'R1' AND request_id = 'doa-DOA-1'"));
    }

    [Fact]
    public async Task Lists_page_through_claims_oldest_first_and_filter_by_state_and_engineer()
    {
        foreach (var i in Enumerable.Range(1, 5))
        {
            await InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, Receipt($"S{i}", by: i <= 2 ? "eng-1" : "eng-2"), Ct));
            await FileAsync($"DOA-{i}", Unboxing($"S{i}"));
        }
        await InTxAsync(async tx =>
        {
            var claim = (await _store.FindForUpdateAsync(tx, "DOA-3", Ct))!;
            await _store.SaveAndPublishAsync(tx, claim, claim.Approve("dm-2", DateTimeOffset.UtcNow), Ct);
        });

        var first = await _store.ListAsync(null, null, null, 2, Ct);
        Assert.Equal(["DOA-1", "DOA-2"], first.Claims.Select(c => c.ClaimId));
        var second = await _store.ListAsync(null, null, first.NextPageToken, 2, Ct);
        Assert.Equal(["DOA-3", "DOA-4"], second.Claims.Select(c => c.ClaimId));
        var last = await _store.ListAsync(null, null, second.NextPageToken, 2, Ct);
        Assert.Equal(["DOA-5"], last.Claims.Select(c => c.ClaimId));
        Assert.Equal("", last.NextPageToken);

        Assert.Equal(["DOA-3"], (await _store.ListAsync(DoaClaimState.Approved, null, null, 50, Ct)).Claims.Select(c => c.ClaimId));
        Assert.Equal(["DOA-1", "DOA-2"], (await _store.ListAsync(null, "eng-1", null, 50, Ct)).Claims.Select(c => c.ClaimId));
        Assert.Equal("page_token", (await Assert.ThrowsAsync<InvalidFieldException>(() => _store.ListAsync(null, null, "nonsense", 2, Ct))).Field);
    }
}
