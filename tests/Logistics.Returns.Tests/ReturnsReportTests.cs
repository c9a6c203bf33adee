using Logistics.Hosting.Data;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Returns.Tests;

/// <summary>
/// The returns report's one SQL aggregate against a real Postgres, on returns made through the domain, with the answer
/// worked out by hand below (swap returns: due 10 days and unreturned 30 days after the replacement was signed for; the
/// days to return run from the swap, when the return opened, to its receipt).
/// </summary>
public sealed class ReturnsReportTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReportPeriod March = new(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31));

    private static DateTimeOffset At(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// <list type="bullet">
    /// <item>R1 eng-A at C1, signed for 20 Mar 12:00, Open: out, overdue (due 30 Mar 12:00), not unreturned (19 Apr).</item>
    /// <item>R2 eng-A at C1, signed for 20 Feb 12:00, Shipped back: out, overdue (2 Mar), unreturned (22 Mar).</item>
    /// <item>R3 eng-B at C1, signed for 22 Mar 12:00: due 1 Apr 12:00, which is now: out, not yet overdue.</item>
    /// <item>R4 eng-B at C2, swapped 1 Mar 12:00, received 5 Mar 00:00: 3.5 days, in March.</item>
    /// <item>R5 eng-A at C2, swapped 10 Mar 00:00, received 12 Mar 00:00 and inspected: 2 days, in March.</item>
    /// <item>R6 eng-B at C2, received 20 Feb (before March) and R7 eng-C at C2, received 1 Apr (after): neither counts.</item>
    /// </list>
    /// By engineer: eng-A out 2, overdue 2, unreturned 1, 1 received (2 days); eng-B out 1, 1 received (3.5 days); no eng-C.
    /// By centre: C1 out 3, overdue 2, unreturned 1, none received (no average); C2 2 received, (3.5 + 2) / 2 = 2.75 days.
    /// </summary>
    private static async Task SeedAsync(ReturnStore store, NpgsqlTransaction tx)
    {
        FaultyReturn[] returns =
        [
            Open("R1", "eng-A", "C1", At(3, 20, 12), At(3, 20, 12)),
            Shipped(Open("R2", "eng-A", "C1", At(2, 20, 12), At(2, 20, 13))),
            Open("R3", "eng-B", "C1", At(3, 22, 12), At(3, 22, 13)),
            Received(Open("R4", "eng-B", "C2", At(3, 1), At(3, 1, 12)), At(3, 5)),
            Inspected(Received(Open("R5", "eng-A", "C2", At(3, 9), At(3, 10)), At(3, 12))),
            Received(Open("R6", "eng-B", "C2", At(1, 31), At(2, 1)), At(2, 20)),
            Received(Open("R7", "eng-C", "C2", At(3, 25), At(3, 26)), At(4, 1)),
        ];
        foreach (var r in returns) Assert.True(await store.InsertAsync(tx, r, CancellationToken.None));
    }

    [Fact]
    public async Task By_engineer_every_figure_matches_the_hand_worked_answer()
    {
        var query = await SeededAsync();

        var rows = await query.RunAsync(ReturnsReportGrouping.Engineer, March, null, Now, CancellationToken.None);

        Assert.Equal(
        [
            new ReturnsReportRow("eng-A", "", Out: 2, Overdue: 2, Unreturned: 1, ReceivedInPeriod: 1, AverageDaysToReturn: 2.0),
            new ReturnsReportRow("eng-B", "", Out: 1, Overdue: 0, Unreturned: 0, ReceivedInPeriod: 1, AverageDaysToReturn: 3.5),
        ], rows);
    }

    [Fact]
    public async Task By_centre_every_figure_matches_and_a_centre_with_nothing_received_has_no_average()
    {
        var query = await SeededAsync();

        var rows = await query.RunAsync(ReturnsReportGrouping.Centre, March, null, Now, CancellationToken.None);

        Assert.Equal(
        [
            new ReturnsReportRow("", "C1", Out: 3, Overdue: 2, Unreturned: 1, ReceivedInPeriod: 0, AverageDaysToReturn: null),
            new ReturnsReportRow("", "C2", Out: 0, Overdue: 0, Unreturned: 0, ReceivedInPeriod: 2, AverageDaysToReturn: 2.75),
        ], rows);
    }

    [Fact]
    public async Task A_return_becomes_overdue_only_after_its_due_instant_and_the_centre_filter_narrows()
    {
        var query = await SeededAsync();

        var later = await query.RunAsync(ReturnsReportGrouping.Engineer, March, ["C1"], Now.AddTicks(10), CancellationToken.None);
        var c2 = await query.RunAsync(ReturnsReportGrouping.Engineer, March, ["C2"], Now, CancellationToken.None);

        // R3 is a microsecond past its due time: eng-B's one return out is now overdue too.
        Assert.Equal([("eng-A", 2L, 2L), ("eng-B", 1L, 1L)], later.Select(r => (r.EngineerId, r.Out, r.Overdue)));
        Assert.Equal([("eng-A", 2.0), ("eng-B", 3.5)], c2.Select(r => (r.EngineerId, r.AverageDaysToReturn ?? -1)));
    }

    [Theory]
    [InlineData("team", "group_by")]
    [InlineData("engineers", "group_by")]
    public void An_unknown_grouping_is_refused_naming_the_field(string groupBy, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => ReturnsReportGroupings.Parse(groupBy)).Field);

    [Fact]
    public void The_grouping_defaults_to_centre() =>
        Assert.Equal((ReturnsReportGrouping.Centre, ReturnsReportGrouping.Engineer), (ReturnsReportGroupings.Parse(""), ReturnsReportGroupings.Parse("Engineer")));

    private async Task<ReturnsReportQuery> SeededAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "returns" }.ConnectionString;
        var db = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(db, new ServiceSchema("returns"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ReturnStore).Assembly), CancellationToken.None);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await SeedAsync(new ReturnStore(db), tx);
        await tx.CommitAsync();
        return new ReturnsReportQuery(db);
    }

    private static FaultyReturn Open(string id, string engineer, string centre, DateTimeOffset deliveredAt, DateTimeOffset installedAt) =>
        FaultyReturn.OpenForSwap(new SwapFacts("PR-" + id, centre, "BOARD-1", engineer, "SITE-1", "T-" + id, "EQ-" + id, "SN-NEW-" + id, "SN-OLD-" + id,
            deliveredAt, installedAt), ReturnPolicy.Default);

    private static FaultyReturn Shipped(FaultyReturn r)
    {
        var packing = ReturnTestKit.PackingFor(r);
        r.Pack(r.EngineerId, packing with { FaultTag = packing.FaultTag! with { FaultDate = r.OpenedAt.AddDays(-1) } }, r.OpenedAt.AddHours(1));
        r.Ship(r.EngineerId, "DHL", "TRK-" + r.RequestId, r.OpenedAt.AddHours(2));
        return r;
    }

    private static FaultyReturn Received(FaultyReturn r, DateTimeOffset at)
    {
        Shipped(r).Receive(new ReturnReceipt("RC-" + r.RequestId, "wh-1", at, [r.Serial], true, true));
        return r;
    }

    private static FaultyReturn Inspected(FaultyReturn r)
    {
        r.Inspect("wh-1", "no-fault-found", "A-01", null, r.ReceivedAt!.Value.AddHours(1));
        return r;
    }
}
