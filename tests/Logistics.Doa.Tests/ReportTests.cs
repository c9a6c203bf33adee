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

/// <summary>
/// The DOA report on a real Postgres, fed through the same handlers the events reach (receipt-signed, part-catalogued,
/// goods-in stock-movement-recorded) and real filings, against a dataset whose answer is worked out by hand below.
/// </summary>
public sealed class ReportTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    // ISO weeks 45, 46 and 47 of 2026 (Mondays 2 Nov, 9 Nov, 16 Nov); week 47 has no deliveries.
    private static readonly DateTimeOffset W45 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset W46 = W45.AddDays(7);
    private static readonly DateTimeOffset W48 = W45.AddDays(21);

    private NpgsqlDataSource _db = null!;
    private ClaimStore _store = null!;
    private Handlers _facts = null!;
    private ReportFactsTable _report = null!;

    public async Task InitializeAsync()
    {
        _db = await DoaDatabase.CreateAsync(postgres);
        var deliveries = new DeliveriesTable();
        var tickets = new RequestTicketsTable();
        _store = new ClaimStore(_db, deliveries, tickets);
        _facts = new Handlers(_store, deliveries, tickets, TimeProvider.System);
        _report = new ReportFactsTable(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>
    /// The dataset:
    /// week 45: 30 units of P-A (supplier SUP-1) at C-1 (A01-A20 batch L1, A21-A30 batch L2; A30 signed Sunday 23:59:59),
    ///          10 units of P-B (never catalogued: supplier unknown; no batch) at C-2;
    ///          claims A01 (doa), A02 (carrier), B01 (doa), and A03 rejected (not counted): 3 / 40 = 7.5 per 100.
    /// week 46: A31-A34 (P-A, batch L2, C-1; A31 signed Monday 00:00:00), claim A31 (doa): 1 / 4 = 25.
    /// week 47: nothing: 0 / 0 = 0 (no division by zero).
    /// Outside [2 Nov, 23 Nov): X1 on Sunday 1 Nov 23:59:59 and X2 on Monday 23 Nov 00:00:00, each with a claim: not counted.
    /// So: 44 deliveries, 4 claims, 9.09; P-A 3/34 = 8.82, P-B 1/10 = 10; C-1 8.82, C-2 10; SUP-1 8.82, unknown 10;
    /// batches P-A L1 2/20 = 10, P-A L2 1/14 = 7.14, P-B unknown 1/10 = 10; causes doa 3, carrier 1.
    /// </summary>
    private async Task BuildDatasetAsync()
    {
        // Order does not matter: the supplier, and batch L2, arrive after the deliveries and claims they describe.
        await GoodsInAsync("P-A", "L1", W45.AddDays(-10), Serials("A", 1, 20));
        await DeliverAsync("P-A", "C-1", W45.AddHours(10), Serials("A", 1, 29));
        await DeliverAsync("P-A", "C-1", W46.AddSeconds(-1), ["A30"]);
        await DeliverAsync("P-B", "C-2", W45.AddDays(2), Serials("B", 1, 10));
        await DeliverAsync("P-A", "C-1", W46, ["A31"]);
        await DeliverAsync("P-A", "C-1", W46.AddDays(3), Serials("A", 32, 34));
        await DeliverAsync("P-A", "C-1", W45.AddSeconds(-1), ["X1"]);
        await DeliverAsync("P-A", "C-1", W48, ["X2"]);
        await FileAsync("A01", W45.AddHours(11), intactPackaging: true);
        await FileAsync("A02", W45.AddHours(12), intactPackaging: false);
        await FileAsync("B01", W45.AddDays(2).AddHours(1), intactPackaging: true);
        await FileAsync("A03", W45.AddHours(13), intactPackaging: true, reject: true);
        await FileAsync("A31", W46.AddHours(1), intactPackaging: true);
        await FileAsync("X1", W45.AddHours(1), intactPackaging: true);
        await FileAsync("X2", W48.AddHours(1), intactPackaging: true);
        await CatalogueAsync("P-A", "SUP-1", version: 2);
        await GoodsInAsync("P-A", "L2", W45.AddDays(-3), [.. Serials("A", 21, 34), "X1", "X2"]);
    }

    [Fact]
    public async Task Every_figure_of_the_report_equals_the_answer_worked_out_by_hand()
    {
        await BuildDatasetAsync();

        var report = await ReportAsync(null);

        Assert.Equal(44, report.Deliveries);
        Assert.Equal(4, report.Claims);
        Assert.Equal(9.09, report.RatePer100);
        Assert.Equal(
            [new DoaRate("2026-W45", 40, 3, "2026-11-02"), new DoaRate("2026-W46", 4, 1, "2026-11-09"), new DoaRate("2026-W47", 0, 0, "2026-11-16")],
            report.Weeks);
        Assert.Equal([7.5, 25, 0], report.Weeks.Select(w => w.RatePer100));
        Assert.Equal([new DoaRate("P-B", 10, 1), new DoaRate("P-A", 34, 3)], report.ByPart);
        Assert.Equal([10, 8.82], report.ByPart.Select(r => r.RatePer100));
        Assert.Equal([new DoaRate("C-2", 10, 1), new DoaRate("C-1", 34, 3)], report.ByCentre);
        Assert.Equal([new DoaRate("unknown", 10, 1), new DoaRate("SUP-1", 34, 3)], report.BySupplier);
        Assert.Equal(
            [new DoaRate("L1", 20, 2, PartNumber: "P-A"), new DoaRate("unknown", 10, 1, PartNumber: "P-B"), new DoaRate("L2", 14, 1, PartNumber: "P-A")],
            report.ByBatch);
        Assert.Equal([10, 10, 7.14], report.ByBatch.Select(r => r.RatePer100));
        Assert.Equal([new DoaCauseCount("doa", 3), new DoaCauseCount("carrier", 1)], report.Causes);
    }

    [Fact]
    public async Task A_centre_filter_keeps_only_that_centres_deliveries_and_claims()
    {
        await BuildDatasetAsync();

        var report = await ReportAsync(["C-2"]);

        Assert.Equal((10, 1, 10.0), (report.Deliveries, report.Claims, report.RatePer100));
        Assert.Equal([new DoaRate("2026-W45", 10, 1, "2026-11-02"), new DoaRate("2026-W46", 0, 0, "2026-11-09"), new DoaRate("2026-W47", 0, 0, "2026-11-16")],
            report.Weeks);
        Assert.Equal([new DoaRate("C-2", 10, 1)], report.ByCentre);
        Assert.Equal([new DoaCauseCount("doa", 1)], report.Causes);
    }

    [Fact]
    public async Task Redelivered_and_stale_supplier_and_batch_events_change_nothing()
    {
        await BuildDatasetAsync();
        var before = await ReportAsync(null);

        await CatalogueAsync("P-A", "SUP-1", version: 2);                          // the same event again
        await CatalogueAsync("P-A", "SUP-OLD", version: 1);                        // an older version, late
        await GoodsInAsync("P-A", "L2", W45.AddDays(-3), Serials("A", 21, 34));    // the same goods-in again
        await GoodsInAsync("P-A", "L-OLDER", W45.AddDays(-30), Serials("A", 1, 5)); // an earlier goods-in, late

        var after = await ReportAsync(null);
        Assert.Equal(before.BySupplier, after.BySupplier);
        Assert.Equal(before.ByBatch, after.ByBatch);
        Assert.Equal(before.Weeks, after.Weeks);
    }

    [Fact]
    public async Task A_later_catalogue_version_moves_the_parts_deliveries_to_the_new_supplier()
    {
        await BuildDatasetAsync();
        await CatalogueAsync("P-B", "SUP-2", version: 1);

        var report = await ReportAsync(null);

        Assert.Equal([new DoaRate("SUP-2", 10, 1), new DoaRate("SUP-1", 34, 3)], report.BySupplier);
    }

    [Fact]
    public async Task A_range_without_deliveries_reports_zeros_for_every_week_not_a_division_by_zero()
    {
        var report = await ReportAsync(null);

        Assert.Equal((0, 0, 0.0), (report.Deliveries, report.Claims, report.RatePer100));
        Assert.Equal(["2026-W45", "2026-W46", "2026-W47"], report.Weeks.Select(w => w.Key));
        Assert.All(report.Weeks, w => Assert.Equal(0, w.RatePer100));
        Assert.Empty(report.ByPart);
        Assert.Empty(report.Causes);
    }

    [Fact]
    public void A_range_is_checked_naming_the_field_and_has_defaults()
    {
        var now = new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);
        Assert.Equal("to", Assert.Throws<InvalidFieldException>(() => DoaReportRange.Define(now, now, now)).Field);
        Assert.Equal("to", Assert.Throws<InvalidFieldException>(() => DoaReportRange.Define(now, now.AddHours(-1), now)).Field);
        Assert.Equal("to", Assert.Throws<InvalidFieldException>(() => DoaReportRange.Define(now.AddDays(-732), now, now)).Field);
        Assert.Equal("from", Assert.Throws<InvalidFieldException>(() => DoaReportRange.Define(new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero), now, now)).Field);
        Assert.Equal(new DoaReportRange(now.AddDays(-731), now), DoaReportRange.Define(now.AddDays(-731), now, now));
        Assert.Equal(new DoaReportRange(now.AddDays(-84), now), DoaReportRange.Define(null, null, now));
        // A week in another zone's Monday is still the UTC week: Sunday 23:30 UTC is in the week before.
        Assert.Equal(new DateOnly(2026, 11, 2), DoaReport.WeekStart(new DateTimeOffset(2026, 11, 9, 7, 30, 0, TimeSpan.FromHours(8))));
        // ISO week numbering: 2026 has 53 weeks, and 4 January 2027 starts week 1.
        Assert.Equal("2026-W53", DoaReport.WeekLabel(new DateOnly(2026, 12, 28)));
        Assert.Equal("2027-W01", DoaReport.WeekLabel(new DateOnly(2027, 1, 4)));
    }

    private Task<DoaReport> ReportAsync(IReadOnlyCollection<string>? centres) => ReportBetweenAsync(W45, W48, centres);

    private async Task<DoaReport> ReportBetweenAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? centres)
    {
        var range = DoaReportRange.Define(from, to, to);
        return DoaReport.Build(range, await _report.FactsAsync(range, centres, Ct));
    }

    private static string[] Serials(string prefix, int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(i => $"{prefix}{i:D2}").ToArray();

    private async Task InTxAsync(Func<NpgsqlTransaction, Task> work)
    {
        await using var conn = await _db.OpenConnectionAsync(Ct);
        await using var tx = await conn.BeginTransactionAsync(Ct);
        await work(tx);
        await tx.CommitAsync(Ct);
    }

    private Task DeliverAsync(string part, string centre, DateTimeOffset signedAt, string[] serials) =>
        InTxAsync(tx => _facts.OnReceiptSignedAsync(tx, new ReceiptSigned
        {
            ReceiptId = $"RC-{serials[0]}", Kind = "carrier-to-site", Reference = "PR-" + serials[0], CentreId = centre, PartNumber = part,
            Serials = { serials }, Quantity = serials.Length, SignedBy = "eng-1", SignedAt = Timestamp.FromDateTimeOffset(signedAt), SiteId = "SITE-9",
        }, Ct));

    private Task CatalogueAsync(string part, string supplier, long version) =>
        InTxAsync(tx => Handlers.OnPartCataloguedAsync(tx, new PartCatalogued
        {
            PartNumber = part, Description = "x", Serialized = true, Unit = "pcs", Supplier = supplier, Version = version,
            OccurredAt = Timestamp.FromDateTimeOffset(W45),
        }, Ct));

    private Task GoodsInAsync(string part, string batch, DateTimeOffset at, string[] serials) =>
        InTxAsync(tx => Handlers.OnStockMovementRecordedAsync(tx, new StockMovementRecorded
        {
            MovementId = Guid.NewGuid().ToString(), CentreId = "C-1", PartNumber = part, Kind = "goods-in", Serials = { serials },
            Quantity = serials.Length, Batch = batch, OccurredAt = Timestamp.FromDateTimeOffset(at),
        }, Ct));

    /// <summary>Files (a delivery manager, at unboxing) an hour after <paramref name="at"/>'s delivery; optionally rejects it.</summary>
    private async Task FileAsync(string serial, DateTimeOffset at, bool intactPackaging, bool reject = false)
    {
        var id = "DOA-" + serial;
        // The request is the one its receipt named: the first serial of that receipt.
        var request = await RequestOfAsync(serial);
        await InTxAsync(tx => _store.FileAndPublishAsync(tx, id, new DoaFiling(request, serial, "unboxing", null, null, "dead", [], intactPackaging, null),
            new Filer("dm-1", true), DoaPolicy.Default, at, Ct));
        if (reject)
            await InTxAsync(async tx =>
            {
                var claim = (await _store.FindForUpdateAsync(tx, id, Ct))!;
                await _store.SaveAndPublishAsync(tx, claim, claim.Reject("dm-2", "not dead", at, DoaPolicy.Default), Ct);
            });
    }

    private async Task<string> RequestOfAsync(string serial)
    {
        await using var cmd = _db.CreateCommand("SELECT request_id FROM deliveries WHERE serial = $1");
        cmd.Parameters.Add(new() { Value = serial });
        return (string)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
