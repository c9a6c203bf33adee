using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.Testing;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

/// <summary>The store, the event handlers and the overdue job against a real Postgres.</summary>
public sealed class StoreAndEventsTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private Task<ReturnsDatabase> DatabaseAsync() => ReturnsDatabase.CreateAsync(postgres, Installed.AddMinutes(5));

    [Fact]
    public async Task The_swap_opens_one_return_however_often_it_is_delivered()
    {
        await using var db = await DatabaseAsync();
        var e = ReturnsDatabase.Installed();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(e, inbox, None));
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(e, inbox, None)); // republished under another event id

        var r = await db.Store.FindAsync(ReturnIds.ForSwap(RequestId), None);
        Assert.NotNull(r);
        Assert.Equal((ReturnState.Open, FaultySerial, Delivered.AddDays(10)), (r.State, r.Serial, r.DueAt));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM returns"));
        var opened = Assert.Single(await db.ChangesAsync());
        Assert.Equal(("opened", "Open", r.ReturnId, RequestId, Engineer, "C1", Part, FaultySerial, "F006", "SITE-1"),
            (opened.Step, opened.State, opened.ReturnId, opened.RequestId, opened.EngineerId, opened.CentreId, opened.PartNumber, opened.Serial, opened.CategoryCode, opened.SiteId));
        Assert.Equal(Delivered.AddDays(10), opened.DueAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task A_serial_with_a_return_still_open_does_not_get_a_second_one_until_it_is_closed()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed("PR-18"), inbox, None));
        Assert.Null(await db.Store.FindAsync(ReturnIds.ForSwap("PR-18"), None));

        var first = ReturnIds.ForSwap(RequestId);
        await db.ChangeAsync(first, r => Received(r));
        await db.ChangeAsync(first, r => r.Inspect("wh-1", "no-fault-found", "A-01", null, PackedAt.AddDays(3)));
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed("PR-18"), inbox, None));
        Assert.NotNull(await db.Store.FindAsync(ReturnIds.ForSwap("PR-18"), None));
    }

    [Fact]
    public async Task A_malformed_swap_is_ignored_not_thrown()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(removed: ""), inbox, None));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM returns"));
    }

    [Fact]
    public async Task A_dead_units_deadline_moves_to_thirty_days_after_the_replacement_shipped()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnDoaClaimApproved.HandleAsync(ReturnsDatabase.Approved(), inbox, None));
        var id = ReturnIds.ForDeadUnit(ClaimId);
        Assert.Equal(Approved.AddDays(30), (await db.Store.FindAsync(id, None))!.DueAt);

        var shipped = Approved.AddHours(6);
        await db.HandleAsync(inbox => db.OnPartRequestShipped.HandleAsync(ReturnsDatabase.ReplacementShipped(shipped), inbox, None));
        var r = (await db.Store.FindAsync(id, None))!;
        Assert.Equal((shipped.AddDays(30), "SN-REPL", "F003", ClaimId), (r.DueAt, r.ReplacementSerial, r.ExpectedCategoryCode, r.DoaClaimId));
        Assert.Equal(["opened"], (await db.ChangesAsync()).Select(c => c.Step)); // the reschedule is not a published step
        Assert.Equal(shipped.AddDays(30), (await db.Store.ListAsync(new ReturnFilter(null, null, false), null, 10, None)).Returns.Single().DueAt);
    }

    [Fact]
    public async Task A_replacement_shipment_that_arrives_before_the_approval_still_sets_the_deadline()
    {
        await using var db = await DatabaseAsync();
        var shipped = Approved.AddHours(6);
        await db.HandleAsync(inbox => db.OnPartRequestShipped.HandleAsync(ReturnsDatabase.ReplacementShipped(shipped), inbox, None));
        await db.HandleAsync(inbox => db.OnDoaClaimApproved.HandleAsync(ReturnsDatabase.Approved(), inbox, None));
        var r = (await db.Store.FindAsync(ReturnIds.ForDeadUnit(ClaimId), None))!;
        Assert.Equal((shipped.AddDays(30), "SN-REPL"), (r.DueAt, r.ReplacementSerial));
        Assert.Equal(shipped.AddDays(30), (await db.ChangesAsync()).Single().DueAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task An_ordinary_shipment_touches_nothing()
    {
        await using var db = await DatabaseAsync();
        var ordinary = ReturnsDatabase.ReplacementShipped(Approved);
        ordinary.DoaClaimId = "";
        await db.HandleAsync(inbox => db.OnPartRequestShipped.HandleAsync(ordinary, inbox, None));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM dead_unit_replacements"));
    }

    [Fact]
    public async Task The_centres_receipt_receives_a_shipped_return_and_flags_a_broken_esd_bag()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        var id = ReturnIds.ForSwap(RequestId);
        await db.ChangeAsync(id, r => Shipped(r));
        var receipt = ReturnsDatabase.Receipt(id, esd: false);
        await db.HandleAsync(inbox => db.OnReceiptSigned.HandleAsync(receipt, inbox, None));

        var received = (await db.Store.FindAsync(id, None))!;
        Assert.Equal((ReturnState.Received, receipt.ReceiptId, true), (received.State, received.ReceiptId, received.EsdNonCompliant));
        var step = (await db.ChangesAsync())[^1];
        Assert.Equal(("received", "Received", receipt.ReceiptId, true, "wh-1"), (step.Step, step.State, step.ReceiptId, step.EsdNonCompliant, step.By));
    }

    [Fact]
    public async Task Receipts_that_do_not_concern_a_shipped_return_are_ignored()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        var id = ReturnIds.ForSwap(RequestId);

        await db.HandleAsync(inbox => db.OnReceiptSigned.HandleAsync(ReturnsDatabase.Receipt(id), inbox, None)); // still Open
        await db.HandleAsync(inbox => db.OnReceiptSigned.HandleAsync(ReturnsDatabase.Receipt("RT-unknown"), inbox, None));
        await db.ChangeAsync(id, r => Shipped(r));
        await db.HandleAsync(inbox => db.OnReceiptSigned.HandleAsync(ReturnsDatabase.Receipt(id, kind: "centre-to-engineer"), inbox, None));
        await db.HandleAsync(inbox => db.OnReceiptSigned.HandleAsync(ReturnsDatabase.Receipt(id, serial: "SN-OTHER"), inbox, None));

        Assert.Equal(ReturnState.Shipped, (await db.Store.FindAsync(id, None))!.State);
        Assert.Equal(["opened", "packed", "shipped"], (await db.ChangesAsync()).Select(c => c.Step));
    }

    [Fact]
    public async Task The_inspection_publishes_return_inspected_with_the_step()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        var id = ReturnIds.ForSwap(RequestId);
        await db.ChangeAsync(id, r => Received(r));
        await db.ChangeAsync(id, r => r.Inspect("wh-2", "confirmed-fault", null, "dead", PackedAt.AddDays(3)));

        Assert.Equal(["opened", "packed", "shipped", "received", "inspected"], (await db.ChangesAsync()).Select(c => c.Step));
        Assert.Equal("Closed", (await db.ChangesAsync())[^1].State);
        var inspected = Assert.Single(await db.InspectionsAsync());
        Assert.Equal((id, "confirmed-fault", FaultySerial, "wh-2", "dead", RequestId), (inspected.ReturnId, inspected.Result, inspected.Serial, inspected.InspectedBy, inspected.Note, inspected.RequestId));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM returns WHERE state = 'Closed'"));
    }

    [Fact]
    public async Task The_overdue_job_flags_each_deadline_exactly_once()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        var job = db.Job();

        db.Clock.Now = Delivered.AddDays(10);
        Assert.Equal(0, await job.RunOnceAsync(None));
        db.Clock.Now = Delivered.AddDays(10).AddSeconds(1);
        Assert.Equal(1, await job.RunOnceAsync(None));
        Assert.Equal(0, await job.RunOnceAsync(None));
        db.Clock.Now = Delivered.AddDays(20);
        Assert.Equal(0, await job.RunOnceAsync(None));
        db.Clock.Now = Delivered.AddDays(31);
        Assert.Equal(1, await job.RunOnceAsync(None));
        Assert.Equal(0, await job.RunOnceAsync(None));

        var steps = await db.ChangesAsync();
        Assert.Equal(["opened", "overdue", "escalated", "unreturned"], steps.Select(c => c.Step));
        Assert.Equal((true, false, "system"), (steps[1].Overdue, steps[1].Unreturned, steps[1].By));
        Assert.True(steps[3].Unreturned);
        var r = (await db.Store.FindAsync(ReturnIds.ForSwap(RequestId), None))!;
        Assert.True(r.Overdue && r.Escalated && r.Unreturned);
        Assert.Single((await db.Store.ListAsync(new ReturnFilter(null, null, OverdueOnly: true), null, 10, None)).Returns);
    }

    [Fact]
    public async Task Two_replicas_scanning_at_once_escalate_once()
    {
        await using var db = await DatabaseAsync();
        for (var i = 0; i < 20; i++)
            await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed($"PR-{i}", $"SN-{i}"), inbox, None));
        db.Clock.Now = Delivered.AddDays(11);

        var changed = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => db.Job().RunOnceAsync(None)));
        // Rows a replica skipped (locked by another) are taken by a later scan.
        changed = [.. changed, await db.Job().RunOnceAsync(None)];

        Assert.Equal(20, changed.Sum());
        var steps = await db.ChangesAsync();
        Assert.Equal(20, steps.Count(s => s.Step == "escalated"));
        Assert.Equal(20, steps.Count(s => s.Step == "overdue"));
    }

    [Fact]
    public async Task The_job_skips_a_return_someone_holds_and_takes_it_on_the_next_scan()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        db.Clock.Now = Delivered.AddDays(11);
        var id = ReturnIds.ForSwap(RequestId);

        await using (var conn = await db.Db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await db.Store.FindForUpdateAsync(tx, id, None);
            Assert.Equal(0, await db.Job().RunOnceAsync(None));
        }
        Assert.Equal(1, await db.Job().RunOnceAsync(None));
    }

    [Fact]
    public async Task A_received_return_is_never_flagged()
    {
        await using var db = await DatabaseAsync();
        await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(ReturnsDatabase.Installed(), inbox, None));
        await db.ChangeAsync(ReturnIds.ForSwap(RequestId), r => Received(r));
        db.Clock.Now = Delivered.AddDays(60);
        Assert.Equal(0, await db.Job().RunOnceAsync(None));
    }

    [Fact]
    public async Task Lists_filter_and_page_oldest_due_first()
    {
        await using var db = await DatabaseAsync();
        for (var i = 0; i < 5; i++)
        {
            var e = ReturnsDatabase.Installed($"PR-{i}", $"SN-{i}", i % 2 == 0 ? "eng-1" : "eng-2");
            e.DeliveredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Delivered.AddDays(-i));
            await db.HandleAsync(inbox => db.OnPartInstalled.HandleAsync(e, inbox, None));
        }
        await db.ChangeAsync(ReturnIds.ForSwap("PR-2"), r => Packed(r));

        var all = new List<FaultyReturn>();
        ReturnCursor? cursor = null;
        do
        {
            var (page, next) = await db.Store.ListAsync(new ReturnFilter(null, null, false), cursor, 2, None);
            Assert.InRange(page.Count, 1, 2);
            all.AddRange(page);
            cursor = next is null ? null : ReturnCursor.Parse(next.ToToken());
        } while (cursor is not null);
        Assert.Equal(["PR-4", "PR-3", "PR-2", "PR-1", "PR-0"], all.Select(r => r.RequestId));

        var mine = (await db.Store.ListAsync(new ReturnFilter("eng-1", null, false), null, 50, None)).Returns;
        Assert.Equal(["PR-4", "PR-2", "PR-0"], mine.Select(r => r.RequestId));
        var packed = (await db.Store.ListAsync(new ReturnFilter("eng-1", ReturnState.Packed, false), null, 50, None)).Returns;
        Assert.Equal(["PR-2"], packed.Select(r => r.RequestId));
        Assert.Empty((await db.Store.ListAsync(new ReturnFilter(null, null, OverdueOnly: true), null, 50, None)).Returns);
        Assert.Null((await db.Store.ListAsync(new ReturnFilter(null, null, false), null, 5, None)).Next);
    }
}
