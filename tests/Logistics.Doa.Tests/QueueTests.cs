using Google.Protobuf.WellKnownTypes;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>The delivery managers' queue (filters, urgency first, paging) and the units a claim may be filed for, on a real Postgres.</summary>
public sealed class QueueTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly DoaPolicy Policy = DoaPolicy.Default;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

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

    private async Task InTxAsync(Func<NpgsqlTransaction, Task> work)
    {
        await using var conn = await _db.OpenConnectionAsync(Ct);
        await using var tx = await conn.BeginTransactionAsync(Ct);
        await work(tx);
        await tx.CommitAsync(Ct);
    }

    private Task DeliverAsync(string serial, string request, string part = "P-100", string centre = "C-1") =>
        InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, new ReceiptSigned
        {
            ReceiptId = "RC-" + serial, Kind = "centre-to-engineer", Reference = request, CentreId = centre, PartNumber = part, Serials = { serial },
            Quantity = 1, SignedBy = "eng-1", SignedAt = Timestamp.FromDateTimeOffset(Now.AddHours(-3)), SiteId = "SITE-9",
        }, Ct));

    private Task FileAsync(string id, string serial, string request, DateTimeOffset filedAt) =>
        InTxAsync(tx => _store.FileAndPublishAsync(tx, id, new DoaFiling(request, serial, "unboxing", null, null, "dead", [], true, null),
            new Filer("dm-1", true), Policy, filedAt, Ct));

    private Task DecideAsync(string id, bool approve) => InTxAsync(async tx =>
    {
        var claim = (await _store.FindForUpdateAsync(tx, id, Ct))!;
        await _store.SaveAndPublishAsync(tx, claim, approve ? claim.Approve("dm-2", Now) : claim.Reject("dm-2", "no", Now, Policy), Ct);
    });

    private async Task<List<string>> AllAsync(ClaimFilter filter, int pageSize = 2, IReadOnlyCollection<string>? centres = null)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync(null, null, token, pageSize, Ct, centres, filter);
            ids.AddRange(page.Claims.Select(c => c.ClaimId));
            token = page.NextPageToken;
        } while (token.Length > 0);
        return ids;
    }

    [Fact]
    public async Task Urgency_first_puts_waiting_claims_before_those_under_way_and_finished_ones_across_pages()
    {
        await DeliverAsync("S1", "PR-1");
        await DeliverAsync("S2", "PR-1");
        await DeliverAsync("S3", "PR-2", part: "P-200", centre: "C-2");
        await DeliverAsync("S4", "PR-2", part: "P-200", centre: "C-2");
        await FileAsync("DOA-A", "S1", "PR-1", Now.AddMinutes(-40)); // rejected: finished
        await FileAsync("DOA-B", "S2", "PR-1", Now.AddMinutes(-30)); // approved: under way
        await FileAsync("DOA-C", "S3", "PR-2", Now.AddMinutes(-20)); // waiting
        await FileAsync("DOA-D", "S4", "PR-2", Now.AddMinutes(-10)); // waiting
        await DecideAsync("DOA-A", approve: false);
        await DecideAsync("DOA-B", approve: true);

        Assert.Equal(["DOA-A", "DOA-B", "DOA-C", "DOA-D"], await AllAsync(ClaimFilter.None));
        Assert.Equal(["DOA-C", "DOA-D", "DOA-B", "DOA-A"], await AllAsync(new ClaimFilter(UrgentFirst: true)));
        Assert.Equal(["DOA-C", "DOA-D", "DOA-B", "DOA-A"], await AllAsync(new ClaimFilter(UrgentFirst: true), pageSize: 1));

        Assert.Equal(["DOA-C", "DOA-D"], await AllAsync(new ClaimFilter(PartNumber: "P-200", UrgentFirst: true)));
        Assert.Equal(["DOA-A", "DOA-B"], await AllAsync(ClaimFilter.None, centres: ["C-1"]));
        Assert.Equal(["DOA-B", "DOA-C"], await AllAsync(new ClaimFilter(FiledFrom: Now.AddMinutes(-30), FiledBefore: Now.AddMinutes(-15))));

        // A token of one order is not a position in the other.
        var urgentPage = await _store.ListAsync(null, null, null, 1, Ct, null, new ClaimFilter(UrgentFirst: true));
        Assert.Equal("page_token", (await Assert.ThrowsAsync<InvalidFieldException>(() => _store.ListAsync(null, null, urgentPage.NextPageToken, 1, Ct))).Field);
    }

    [Fact]
    public async Task Only_units_delivered_on_the_request_and_not_claimed_are_offered()
    {
        await DeliverAsync("S1", "PR-1");
        await DeliverAsync("S2", "PR-1");
        await DeliverAsync("S3", "PR-9");
        Assert.Equal(["S1", "S2"], (await _store.ClaimableUnitsAsync("PR-1", null, Ct)).Select(u => u.Serial));

        await FileAsync("DOA-A", "S1", "PR-1", Now);
        Assert.Equal(["S2"], (await _store.ClaimableUnitsAsync("PR-1", null, Ct)).Select(u => u.Serial));
        await DecideAsync("DOA-A", approve: false); // a rejected claim does not hold the unit
        Assert.Equal(["S1", "S2"], (await _store.ClaimableUnitsAsync("PR-1", null, Ct)).Select(u => u.Serial));

        Assert.Empty(await _store.ClaimableUnitsAsync("PR-1", "eng-2", Ct)); // an engineer: only units delivered to them
        Assert.Equal(2, (await _store.ClaimableUnitsAsync("PR-1", "eng-1", Ct)).Count);
    }
}
