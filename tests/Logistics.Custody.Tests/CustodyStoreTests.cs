using Google.Protobuf.WellKnownTypes;
using Logistics.Custody.Api;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Custody.Jobs;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Custody.Tests;

/// <summary>The ledger, the serials' state, anomalies and links against a real Postgres, through the same recorder the subscriber uses.</summary>
public sealed class CustodyStoreTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(T0.AddDays(1));

    private static Timestamp At(int minutes) => Timestamp.FromDateTimeOffset(T0.AddMinutes(minutes));

    private async Task<NpgsqlDataSource> NewDatabaseAsync()
    {
        var csb = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "custody" };
        var db = NpgsqlDataSource.Create(csb.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("custody"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(CustodyRecorder).Assembly), CancellationToken.None);
        return db;
    }

    private async Task RecordAsync(NpgsqlDataSource db, Translation translation)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new CustodyRecorder(_clock).RecordAsync(tx, translation, CancellationToken.None);
        await tx.CommitAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static Translation GoodsIn(string source, string centre, int minutes, params string[] serials) =>
        CustodyTranslation.From(new StockMovementRecorded
        {
            MovementId = "m-" + source, CentreId = centre, PartNumber = "P1", Kind = "goods-in", Bin = "A-01", Serials = { serials }, OccurredAt = At(minutes),
        }, new EventSource(source, T0));

    private static Translation Shipped(string source, int minutes, string serial, string centre = "C1", string doaClaim = "") =>
        CustodyTranslation.From(new PartRequestShipped
        {
            RequestId = "PR-1", CentreId = centre, PartNumber = "P1", Serials = { serial }, Carrier = "DHL", TrackingNo = "T-1", EngineerId = "eng-1",
            DoaClaimId = doaClaim, ShippedAt = At(minutes),
        }, new EventSource(source, T0));

    private static ReceiptSigned Delivery(string receiptId, int minutes, params string[] serials)
    {
        var e = new ReceiptSigned
        {
            ReceiptId = receiptId, Kind = "centre-to-engineer", Reference = "PR-1", CentreId = "C1", PartNumber = "P1", SignedBy = "eng-1",
            HandedOverBy = "wh-1", SiteId = "SITE-1", SignedAt = At(minutes), OuterIntact = true, EsdBagSealed = true, Condition = "ok",
        };
        e.Serials.Add(serials);
        return e;
    }

    private static Translation Installed(string source, int minutes, string installed, string removed, string request = "PR-1") =>
        CustodyTranslation.From(new PartInstalled
        {
            RequestId = request, CentreId = "C1", PartNumber = "P1", EngineerId = "eng-1", SiteId = "SITE-1", EquipmentId = "EQ-5",
            InstalledSerial = installed, RemovedSerial = removed, InstalledAt = At(minutes),
        }, new EventSource(source, T0));

    [Fact]
    public async Task Custody_events_can_never_be_updated_deleted_or_truncated()
    {
        await using var db = await NewDatabaseAsync();
        await RecordAsync(db, GoodsIn("ce-1", "C1", 0, "S1"));

        foreach (var sql in new[]
                 {
                     "UPDATE custody_events SET to_party = 'centre:C9'",
                     "DELETE FROM custody_events",
                     "TRUNCATE custody_events",
                 })
        {
            await using var cmd = db.CreateCommand(sql);
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.RestrictViolation, refusal.SqlState);
            Assert.Contains("append-only", refusal.MessageText);
        }
        Assert.Equal("centre:C1", await ScalarAsync<string>(db, "SELECT to_party FROM custody_events"));
    }

    [Fact]
    public async Task A_redelivered_event_records_nothing_again()
    {
        await using var db = await NewDatabaseAsync();
        await RecordAsync(db, GoodsIn("ce-1", "C1", 0, "S1"));
        await RecordAsync(db, Shipped("ce-2", 10, "S1", centre: "C2")); // a handover from a non-holder
        await RecordAsync(db, Shipped("ce-2", 10, "S1", centre: "C2"));

        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM custody_events"));
        Assert.Equal("2/3", await ScalarAsync<string>(db, "SELECT events || '/' || next_sequence FROM serials WHERE serial = 'S1'"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM anomalies WHERE kind = 'handover-from-non-holder'"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM outbox WHERE topic = 'custody-anomaly-detected'"));
    }

    [Fact]
    public async Task A_late_event_takes_its_place_in_business_order_and_the_state_is_replayed()
    {
        await using var db = await NewDatabaseAsync();
        var ledger = new CustodyLedger(db);
        await RecordAsync(db, GoodsIn("ce-1", "C1", 0, "S1"));
        await RecordAsync(db, CustodyTranslation.From(Delivery("RC-1", 60, "S1"), new EventSource("ce-3", T0)));
        await RecordAsync(db, Shipped("ce-2", 10, "S1")); // arrives last, happened second

        var history = await ledger.HistoryPageAsync("S1", null, 10, CancellationToken.None);
        Assert.Equal([(BusinessStep.Receiving, 1L), (BusinessStep.Shipping, 3L), (BusinessStep.Receiving, 2L)],
            history.Select(h => (h.Event.Step, h.Event.Sequence)));
        var serial = (await ledger.FindSerialAsync("S1", CancellationToken.None))!;
        Assert.Equal(new SerialState("S1", "P1", "engineer:eng-1", "site:SITE-1", Disposition.Available, Packaging.EsdBagSealed, ""), serial.Row.State);
        Assert.Equal((T0.AddMinutes(60), 3L, 4L), (serial.Row.LastEventAt, serial.Row.Events, serial.Row.NextSequence));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM anomalies"));
    }

    [Fact]
    public async Task A_correcting_receipt_voids_the_withdrawn_serials_receiving_and_the_history_shows_who_corrected_it()
    {
        await using var db = await NewDatabaseAsync();
        var ledger = new CustodyLedger(db);
        await RecordAsync(db, GoodsIn("ce-1", "C1", 0, "S1", "S2"));
        await RecordAsync(db, Shipped("ce-2", 10, "S1"));
        await RecordAsync(db, Shipped("ce-3", 10, "S2"));
        await RecordAsync(db, CustodyTranslation.From(Delivery("RC-1", 60, "S1", "S2"), new EventSource("ce-4", T0)));
        var correction = Delivery("RC-2", 70);
        correction.Supersedes = "RC-1";
        correction.WithdrawnSerials.Add("S2");
        await RecordAsync(db, CustodyTranslation.From(correction, new EventSource("ce-5", T0)));

        var history = await ledger.HistoryPageAsync("S2", null, 10, CancellationToken.None);
        var wrong = history.Single(h => h.Event.Reference == "receipt:RC-1");
        var fix = history.Single(h => h.Event.Reference == "receipt:RC-2");
        Assert.Equal((fix.Event.EventId, "", wrong.Event.EventId), (wrong.CorrectedBy, fix.CorrectedBy, fix.Event.Corrects));
        var s2 = (await ledger.FindSerialAsync("S2", CancellationToken.None))!.Row.State;
        Assert.Equal(("engineer:eng-1", Disposition.InTransit, "centre:C1"), (s2.Holder, s2.Disposition, s2.Consignor));
        Assert.Equal(Disposition.Available, (await ledger.FindSerialAsync("S1", CancellationToken.None))!.Row.State.Disposition);
    }

    [Fact]
    public async Task A_correction_that_arrives_before_the_event_it_corrects_still_wins()
    {
        await using var db = await NewDatabaseAsync();
        var installedWrongly = Installed("ce-2", 90, "S1", "");
        var wrong = installedWrongly.Events[0];
        var right = wrong with { EventId = "CE-fix", ToParty = "equipment:EQ-6", Corrects = wrong.EventId, SourceEventId = "ce-fix" };
        await RecordAsync(db, CustodyTranslation.From(Delivery("RC-1", 60, "S1"), new EventSource("ce-1", T0)));
        await RecordAsync(db, new Translation { Events = [right] });
        await RecordAsync(db, installedWrongly);

        var s1 = (await new CustodyLedger(db).FindSerialAsync("S1", CancellationToken.None))!.Row.State;
        Assert.Equal("equipment:EQ-6", s1.Holder);
    }

    [Fact]
    public async Task A_swap_and_a_doa_replacement_pair_their_serials_whichever_event_comes_first()
    {
        await using var db = await NewDatabaseAsync();
        var ledger = new CustodyLedger(db);
        await RecordAsync(db, Installed("ce-1", 90, "S1", "F1"));
        // DOA: the replacement ships before the approval is seen.
        await RecordAsync(db, Shipped("ce-2", 200, "S7", doaClaim: "D1"));
        await RecordAsync(db, CustodyTranslation.From(new DoaClaimApproved
            { ClaimId = "D1", Serial = "S6", CentreId = "C1", PartNumber = "P1", ApprovedAt = At(150) }, new EventSource("ce-3", T0)));

        var f1 = (await ledger.FindSerialAsync("F1", CancellationToken.None))!;
        var s1 = (await ledger.FindSerialAsync("S1", CancellationToken.None))!;
        var s6 = (await ledger.FindSerialAsync("S6", CancellationToken.None))!;
        var s7 = (await ledger.FindSerialAsync("S7", CancellationToken.None))!;
        Assert.Equal(("S1", ""), (f1.ReplacedBy, f1.Replaced));
        Assert.Equal(("", "F1"), (s1.ReplacedBy, s1.Replaced));
        Assert.Equal(("S7", Disposition.NeedsReplacement), (s6.ReplacedBy, s6.Row.State.Disposition));
        Assert.Equal("S6", s7.Replaced);
        Assert.Equal("doa:D1", await ScalarAsync<string>(db, "SELECT reference FROM serial_pairs WHERE faulty_serial = 'S6'"));
    }

    [Fact]
    public async Task A_swap_whose_return_is_not_opened_within_the_grace_period_is_flagged_once()
    {
        await using var db = await NewDatabaseAsync();
        var settings = new CustodySettings { ReturnOpenGrace = TimeSpan.FromHours(1) };
        var watch = new SwapReturnWatch(db, settings, _clock, NullLogger<SwapReturnWatch>.Instance);
        await RecordAsync(db, Installed("ce-1", 0, "S1", "F1", request: "PR-1"));
        await RecordAsync(db, Installed("ce-2", 0, "S2", "F2", request: "PR-2"));
        // PR-2's return is opened (its event may come before or after the swap's).
        await RecordAsync(db, CustodyTranslation.From(new ReturnChanged
            { ReturnId = "RT-2", Step = "opened", RequestId = "PR-2", Serial = "F2", OccurredAt = At(1) }, new EventSource("ce-3", T0)));
        await RecordAsync(db, CustodyTranslation.From(new ReturnChanged
            { ReturnId = "RT-3", Step = "opened", RequestId = "PR-3", Serial = "F3", OccurredAt = At(1) }, new EventSource("ce-4", T0)));
        await RecordAsync(db, Installed("ce-5", 0, "S3", "F3", request: "PR-3"));

        _clock.Now = T0.AddMinutes(59);
        Assert.Equal(0, await watch.RunOnceAsync(CancellationToken.None));
        _clock.Now = T0.AddMinutes(60);
        Assert.Equal(1, await watch.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await watch.RunOnceAsync(CancellationToken.None));

        Assert.Equal("swap-without-return F1 request:PR-1",
            await ScalarAsync<string>(db, "SELECT string_agg(kind || ' ' || serial || ' ' || reference, ',') FROM anomalies"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM outbox WHERE topic = 'custody-anomaly-detected'"));
    }

    [Fact]
    public async Task Overdue_steps_and_packaging_breaks_are_recorded_once_each_and_a_discrepancy_held_elsewhere_is_in_two_places()
    {
        await using var db = await NewDatabaseAsync();
        foreach (var (step, source) in new[] { ("overdue", "ce-1"), ("escalated", "ce-2"), ("unreturned", "ce-3") })
        {
            await RecordAsync(db, CustodyTranslation.From(new ReturnChanged
                { ReturnId = "RT-1", Step = step, EngineerId = "eng-1", Serial = "F1", OccurredAt = At(0) }, new EventSource(source, T0)));
        }
        var handBack = new ReceiptSigned
        {
            ReceiptId = "RC-9", Kind = "engineer-to-centre", CentreId = "C1", PartNumber = "P1", Serials = { "F1" }, Faulty = true,
            SignedBy = "wh-1", HandedOverBy = "eng-1", SignedAt = At(100), EsdBagSealed = false, OuterIntact = true,
        };
        await RecordAsync(db, CustodyTranslation.From(handBack, new EventSource("ce-4", T0)));
        await RecordAsync(db, CustodyTranslation.From(handBack, new EventSource("ce-4", T0)));
        await RecordAsync(db, GoodsIn("ce-5", "C2", 0, "X9"));
        var delivery = Delivery("RC-1", 60);
        delivery.DiscrepancySerials.Add("X9");
        await RecordAsync(db, CustodyTranslation.From(delivery, new EventSource("ce-6", T0)));

        var anomalies = await new AnomaliesTable(db).PageAsync(null, "", null, 10, CancellationToken.None);
        Assert.Equal(["serial-in-two-places X9 receipt:RC-1", "packaging-non-compliant F1 receipt:RC-9", "faulty-part-overdue F1 return:RT-1"],
            anomalies.Select(a => $"{a.Kind} {a.Serial} {a.Reference}"));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM custody_events WHERE serial = 'X9' AND reference = 'receipt:RC-1'"));
    }

    [Fact]
    public async Task History_and_anomalies_page_by_keyset()
    {
        await using var db = await NewDatabaseAsync();
        var ledger = new CustodyLedger(db);
        for (var i = 0; i < 25; i++)
        {
            // Every other goods-in at another centre: each is a serial in two places.
            await RecordAsync(db, GoodsIn($"ce-{i}", i % 2 == 0 ? "C1" : "C2", 25 - i, "S1")); // arrives newest first
        }

        var seen = new List<long>();
        (DateTimeOffset, long)? after = null;
        while (true)
        {
            var page = await ledger.HistoryPageAsync("S1", after, 10 + 1, CancellationToken.None);
            seen.AddRange(page.Take(10).Select(p => p.Event.Sequence));
            if (page.Count <= 10) break;
            after = PageTokens.ParseHistory(PageTokens.History(page[9].Event.OccurredAt, page[9].Event.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (long)i), seen);

        var anomalies = new AnomaliesTable(db);
        var all = await anomalies.PageAsync(AnomalyKind.SerialInTwoPlaces, "S1", null, 1000, CancellationToken.None);
        var first = await anomalies.PageAsync(AnomalyKind.SerialInTwoPlaces, "S1", null, 5, CancellationToken.None);
        var second = await anomalies.PageAsync(AnomalyKind.SerialInTwoPlaces, "S1", first[^1].Seq, 5, CancellationToken.None);
        Assert.Equal(all.Take(10).Select(a => a.AnomalyId), first.Concat(second).Select(a => a.AnomalyId));
        Assert.True(all.Count >= 12);
        Assert.Empty(await anomalies.PageAsync(AnomalyKind.PackagingNonCompliant, "", null, 10, CancellationToken.None));
    }
}
