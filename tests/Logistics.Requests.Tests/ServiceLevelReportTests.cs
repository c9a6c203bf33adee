using Logistics.Hosting.Data;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Requests.Tests;

/// <summary>
/// The service-level report's one SQL aggregate against a real Postgres, on a dataset whose answer is worked out by hand
/// below: week boundaries in the centre's zone, deadlines met exactly at the deadline, deadlines still ahead left out,
/// cancelled requests left out, and weeks where nothing of one kind was due (no percentage).
/// </summary>
public sealed class ServiceLevelReportTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    // Thursday of ISO week 2026-W11 (Monday 9 March).
    private static readonly DateTimeOffset Now = new(2026, 3, 12, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReportPeriod TwoWeeks = new(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 15));

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>
    /// C-UTC is not in known_centres (its weeks are read in UTC); C-SH runs on Asia/Shanghai (UTC+8).
    /// <list type="bullet">
    /// <item>A (C-UTC, 7x24x4): shipped exactly at ship-by 2 Mar 10:00, delivered exactly at deliver-by 2 Mar 13:00: both met (W10).</item>
    /// <item>B (C-UTC): ship-by Sun 8 Mar 23:30 (W10) shipped 23:31: missed; deliver-by Mon 9 Mar 02:30 (W11) delivered 02:00: met.</item>
    /// <item>C (C-UTC): Reserved, never shipped; ship-by 4 Mar 10:00 and deliver-by 4 Mar 13:00 have passed: both missed (W10).</item>
    /// <item>D (C-UTC): Cancelled with deadlines in W10: not counted.</item>
    /// <item>G (C-UTC): Reserved, deadlines 13 Mar, after now: not counted. H (C-UTC): ship-by exactly now, not shipped: not yet missed.</item>
    /// <item>E (C-SH, 5x9xNBD): ship-by 8 Mar 17:00 UTC = Mon 9 Mar 01:00 local (W11, W10 in UTC), shipped 16:00: met;
    /// deliver-by 9 Mar 05:00 UTC delivered 06:00: missed (W11).</item>
    /// <item>F (C-SH): ship-by 1 Mar 15:30 UTC = Sun 1 Mar 23:30 local, before the period: not counted; deliver-by 2 Mar 10:00 UTC
    /// = Mon 18:00 local (W10) delivered 09:00: met.</item>
    /// </list>
    /// </summary>
    private static readonly PartRequestSnapshot[] Dataset =
    [
        Request("A", "C-UTC", "7x24x4", Utc(2, 10), Utc(2, 13), RequestState.Delivered, shippedAt: Utc(2, 10), deliveredAt: Utc(2, 13)),
        Request("B", "C-UTC", "7x24x4", Utc(8, 23, 30), Utc(9, 2, 30), RequestState.Installed, shippedAt: Utc(8, 23, 31), deliveredAt: Utc(9, 2)),
        Request("C", "C-UTC", "7x24x4", Utc(4, 10), Utc(4, 13), RequestState.Reserved),
        Request("D", "C-UTC", "7x24x4", Utc(3, 10), Utc(3, 13), RequestState.Cancelled),
        Request("G", "C-UTC", "7x24x4", Utc(13, 10), Utc(13, 13), RequestState.Reserved),
        Request("H", "C-UTC", "7x24x4", Now, Now.AddHours(3), RequestState.Approved),
        Request("E", "C-SH", "5x9xNBD", Utc(8, 17), Utc(9, 5), RequestState.Delivered, shippedAt: Utc(8, 16), deliveredAt: Utc(9, 6)),
        Request("F", "C-SH", "5x9xNBD", Utc(1, 15, 30), Utc(2, 10), RequestState.Closed, shippedAt: Utc(1, 15), deliveredAt: Utc(2, 9)),
    ];

    [Fact]
    public async Task Every_figure_matches_the_hand_worked_answer()
    {
        var query = await SeededAsync();

        var rows = await query.RunAsync(TwoWeeks, null, null, Now, CancellationToken.None);

        var w10 = new DateOnly(2026, 3, 2);
        var w11 = new DateOnly(2026, 3, 9);
        Assert.Equal(
        [
            new ServiceLevelReportRow(w10, "2026-W10", "C-SH", "5x9xNBD", ShipOnTime: 0, ShipLate: 0, DeliverOnTime: 1, DeliverLate: 0),
            new ServiceLevelReportRow(w10, "2026-W10", "C-UTC", "7x24x4", ShipOnTime: 1, ShipLate: 2, DeliverOnTime: 1, DeliverLate: 1),
            new ServiceLevelReportRow(w11, "2026-W11", "C-SH", "5x9xNBD", ShipOnTime: 1, ShipLate: 0, DeliverOnTime: 0, DeliverLate: 1),
            new ServiceLevelReportRow(w11, "2026-W11", "C-UTC", "7x24x4", ShipOnTime: 0, ShipLate: 0, DeliverOnTime: 1, DeliverLate: 0),
        ], rows);
        Assert.Equal(
            [(null, 100.0), (33.3, 50.0), (100.0, 0.0), (null, 100.0)],
            rows.Select(r => (r.ShipOnTimePercent, r.DeliverOnTimePercent)));
    }

    [Fact]
    public async Task Filters_narrow_to_a_centre_a_level_and_the_period()
    {
        var query = await SeededAsync();

        var shanghai = await query.RunAsync(TwoWeeks, ["C-SH"], null, Now, CancellationToken.None);
        var fourHour = await query.RunAsync(TwoWeeks, null, "7x24x4", Now, CancellationToken.None);
        var firstWeek = await query.RunAsync(new ReportPeriod(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), null, null, Now, CancellationToken.None);
        var noCentres = await query.RunAsync(TwoWeeks, [], null, Now, CancellationToken.None);

        Assert.Equal(["C-SH", "C-SH"], shanghai.Select(r => r.CentreId));
        Assert.Equal(["C-UTC", "C-UTC"], fourHour.Select(r => r.CentreId));
        Assert.Equal([("2026-W10", "C-SH"), ("2026-W10", "C-UTC")], firstWeek.Select(r => (r.IsoWeek, r.CentreId)));
        Assert.Empty(noCentres);
    }

    [Fact]
    public async Task A_deadline_passes_only_after_its_instant()
    {
        var query = await SeededAsync();

        var atDeadline = await query.RunAsync(TwoWeeks, ["C-UTC"], null, Now, CancellationToken.None);
        var justAfter = await query.RunAsync(TwoWeeks, ["C-UTC"], null, Now.AddTicks(10), CancellationToken.None);

        // H's ship-by is Now: not missed at Now, missed a microsecond later (the database keeps microseconds).
        Assert.Equal((0L, 0L), (atDeadline[^1].ShipOnTime, atDeadline[^1].ShipLate));
        Assert.Equal((0L, 1L), (justAfter[^1].ShipOnTime, justAfter[^1].ShipLate));
    }

    [Fact]
    public async Task A_request_lost_in_transit_missed_its_deliver_by_even_before_the_deadline_passes()
    {
        // L: shipped on time on 11 Mar, written off as lost in transit; its deliver-by (13 Mar) is still ahead of now.
        var lost = Request("L", "C-UTC", "7x24x4", Utc(11, 10), Utc(13, 13), RequestState.LostInTransit, shippedAt: Utc(11, 9));
        var query = await SeededAsync(lost);

        var rows = await query.RunAsync(TwoWeeks, ["C-UTC"], null, Now, CancellationToken.None);

        Assert.Equal(
            new ServiceLevelReportRow(new DateOnly(2026, 3, 9), "2026-W11", "C-UTC", "7x24x4", ShipOnTime: 1, ShipLate: 0, DeliverOnTime: 1, DeliverLate: 1),
            rows[^1]);
    }

    [Theory]
    [InlineData("2026-03-10", "2026-03-01", "from")]
    [InlineData("2026-3-1", "", "from")]
    [InlineData("", "yesterday", "to")]
    [InlineData("2025-01-01", "2026-03-01", "from")]
    [InlineData("1999-12-31", "2000-01-02", "from")]
    [InlineData("", "2028-01-01", "to")]
    public void A_period_that_is_malformed_reversed_or_too_long_is_refused_naming_the_field(string from, string to, string field)
    {
        var refusal = Assert.Throws<InvalidFieldException>(() => ReportPeriod.Parse(from, to, new DateOnly(2026, 3, 12), 28));
        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void Without_dates_the_period_is_the_default_days_ending_today()
    {
        Assert.Equal(new ReportPeriod(new DateOnly(2026, 2, 13), new DateOnly(2026, 3, 12)), ReportPeriod.Parse("", "", new DateOnly(2026, 3, 12), 28));
        Assert.Equal(366, ReportPeriod.Parse("2025-03-12", "2026-03-12", new DateOnly(2026, 3, 12), 28).Days);
    }

    private async Task<ServiceLevelReportQuery> SeededAsync(params PartRequestSnapshot[] extra)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "requests" }.ConnectionString;
        var db = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(db, new ServiceSchema("requests"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(PartRequestStore).Assembly), CancellationToken.None);
        await using (var centre = db.CreateCommand(
            "INSERT INTO known_centres (centre_id, name, version, time_zone, calendar_id) VALUES ('C-SH', 'Shanghai', 1, 'Asia/Shanghai', 'cn')"))
            await centre.ExecuteNonQueryAsync();
        var store = new PartRequestStore(db);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var snapshot in Dataset.Concat(extra)) await store.InsertAsync(tx, PartRequest.Restore(snapshot), CancellationToken.None);
        await tx.CommitAsync();
        return new ServiceLevelReportQuery(db);
    }

    private static PartRequestSnapshot Request(
        string id, string centre, string level, DateTimeOffset shipBy, DateTimeOffset deliverBy, RequestState state,
        DateTimeOffset? shippedAt = null, DateTimeOffset? deliveredAt = null)
    {
        var submitted = shipBy.AddHours(-1);
        var history = new List<RequestTransition> { new(RequestState.Submitted, RequestState.Approved, "eng-1", submitted) };
        Shipment? shipment = null;
        if (shippedAt is { } shipped)
        {
            shipment = new Shipment(["SN-" + id], new EsdPackaging(true, "tape", true, "PKG-" + id), "DHL", "TRK-" + id, "wh-1", shipped);
            history.Add(new(RequestState.Reserved, RequestState.Shipped, "wh-1", shipped));
        }
        if (deliveredAt is { } delivered) history.Add(new(RequestState.Shipped, RequestState.Delivered, "eng-1", delivered));
        return new PartRequestSnapshot(
            "PR-" + id, "T-" + id, "SITE-1", centre, "P-1", 1, level, shipBy, deliverBy, "eng-1", null, submitted, null, state,
            true, "", null, null, null, null, shipment, null, null, deliveredAt is null ? [] : ["SN-" + id], [], history);
    }
}
