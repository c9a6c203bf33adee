using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Inventory.Api;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Counts;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StockCount = Logistics.Inventory.Domain.Counts.StockCount;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>
/// ListCounts on a real Postgres: the counts of the caller's centres, newest first or most urgent first, by state, a page
/// at a time; every field checked, another centre refused, and a refused call reads and writes nothing.
/// </summary>
public sealed class CountListTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private CountStore _counts = null!;
    private CountLists _lists = null!;
    private readonly string _a = "LA-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _b = "LB-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _db = await InventoryDatabase.CreateAsync(postgres);
        _counts = new CountStore(_db);
        var centres = new CentresTable(_db);
        _lists = new CountLists(_counts, centres);
        foreach (var id in new[] { _a, _b })
        {
            await using var conn = await _db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await centres.SaveAsync(tx, new SparePartCentre(id, id, ["A-01", "A-02", "A-03", "A-04", "A-05"], 1, T0), CancellationToken.None);
            await tx.CommitAsync();
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static Caller Staff(string role, params string[] centres) =>
        new("u-" + role, new HashSet<string> { role }, centres.ToHashSet(StringComparer.Ordinal));

    private async Task<string> OpenAsync(string centre, string bin, int minutes, string by = "wh-1")
    {
        var id = $"CNT-{centre}-{bin}";
        var count = StockCount.Open(id, CountScope.Define(centre, [bin], null, CountStore.Policy), null, by, CountStore.Policy, T0.AddMinutes(minutes));
        await using var opened = await _counts.OpenAsync(count, () => Task.FromResult<IReadOnlyList<ExpectedLine>>([]), T0.AddMinutes(minutes), CancellationToken.None);
        await opened.CommitAsync(CancellationToken.None);
        return id;
    }

    private async Task CancelAsync(string countId)
    {
        await using var session = await _counts.BeginAsync(countId, CancellationToken.None);
        await session.CancelAsync("sup-1", T0.AddHours(5), CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
    }

    /// <summary>Every page of a list, in order.</summary>
    private async Task<List<CountSummary>> AllPagesAsync(Caller caller, ListCountsRequest request)
    {
        var all = new List<CountSummary>();
        var pages = 0;
        do
        {
            var page = await _lists.ListAsync(request, caller, CancellationToken.None);
            Assert.True(page.Counts.Count <= request.PageSize);
            all.AddRange(page.Counts);
            request.PageToken = page.NextPageToken;
            Assert.True(++pages < 20);
        } while (request.PageToken.Length > 0);
        return all;
    }

    [Fact]
    public async Task Counts_are_listed_newest_first_or_open_and_longest_open_first_page_by_page_and_by_state()
    {
        var first = await OpenAsync(_a, "A-01", 1);
        var second = await OpenAsync(_a, "A-02", 2);
        var third = await OpenAsync(_a, "A-03", 3, by: "wh-2");
        var fourth = await OpenAsync(_a, "A-04", 4);
        var fifth = await OpenAsync(_a, "A-05", 5);
        await OpenAsync(_b, "A-01", 6);
        await CancelAsync(second);
        await CancelAsync(fourth);
        var caller = Staff(Roles.Warehouse, _a);

        var newest = await AllPagesAsync(caller, new() { CentreId = _a, PageSize = 2 });
        Assert.Equal([fifth, fourth, third, second, first], newest.Select(c => c.CountId));
        var shown = newest.Single(c => c.CountId == third);
        Assert.Equal(("Counting", "wh-2", _a), (shown.State, shown.OpenedBy, shown.CentreId));
        Assert.Equal(["A-03"], shown.Bins);
        Assert.Equal(T0.AddMinutes(3), shown.OpenedAt.ToDateTimeOffset());

        var urgent = await AllPagesAsync(caller, new() { CentreId = _a, Order = "urgent", PageSize = 2 });
        Assert.Equal([first, third, fifth, second, fourth], urgent.Select(c => c.CountId));

        Assert.Equal([fourth, second], (await AllPagesAsync(caller, new() { CentreId = _a, State = "Cancelled", PageSize = 1 })).Select(c => c.CountId));
        Assert.Equal([fifth, third, first], (await AllPagesAsync(caller, new() { CentreId = _a, State = "open", PageSize = 50 })).Select(c => c.CountId));
        Assert.Empty((await _lists.ListAsync(new() { CentreId = _a, State = "ReadyToReview" }, caller, CancellationToken.None)).Counts);
    }

    [Fact]
    public async Task Without_a_centre_the_list_covers_every_centre_of_the_caller_and_no_other()
    {
        var inA = await OpenAsync(_a, "A-01", 1);
        var inB = await OpenAsync(_b, "A-02", 2);

        var both = await _lists.ListAsync(new(), Staff(Roles.Supervisor, _a, _b), CancellationToken.None);
        Assert.Superset(new HashSet<string> { inA, inB }, both.Counts.Select(c => c.CountId).ToHashSet());
        var onlyA = await _lists.ListAsync(new(), Staff(Roles.Warehouse, _a), CancellationToken.None);
        Assert.Contains(inA, onlyA.Counts.Select(c => c.CountId));
        Assert.All(onlyA.Counts, c => Assert.Equal(_a, c.CentreId));
    }

    [Fact]
    public async Task A_refused_list_names_the_field_or_the_centre_and_writes_nothing()
    {
        await OpenAsync(_a, "A-01", 1);
        await OpenAsync(_a, "A-02", 2);
        var caller = Staff(Roles.Warehouse, _a);
        var foreignToken = (await _lists.ListAsync(new() { CentreId = _a, PageSize = 1 }, caller, CancellationToken.None)).NextPageToken;
        Assert.NotEmpty(foreignToken);
        var before = await TablesAsync();

        var other = await Assert.ThrowsAsync<NotAllowedException>(() => _lists.ListAsync(new() { CentreId = _b }, caller, CancellationToken.None));
        Assert.Contains($"does not work for centre {_b}", other.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotAllowedException>(() => _lists.ListAsync(new(), Staff(Roles.Warehouse), CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => _lists.ListAsync(new() { CentreId = "NO-SUCH" }, caller, CancellationToken.None));
        foreach (var (request, field) in new (ListCountsRequest, string)[]
        {
            (new() { CentreId = "bad centre!" }, "centre_id"),
            (new() { CentreId = _a, State = "Counted" }, "state"),
            (new() { CentreId = _a, State = "counting" }, "state"),
            (new() { CentreId = _a, Order = "oldest" }, "order"),
            (new() { CentreId = _a, PageSize = -1 }, "page_size"),
            (new() { CentreId = _a, PageSize = CountLists.MaxPageSize + 1 }, "page_size"),
            (new() { CentreId = _a, PageToken = "not-a-token" }, "page_token"),
            (new() { CentreId = _a, Order = "urgent", PageToken = foreignToken }, "page_token"),
        })
        {
            var refused = await Assert.ThrowsAsync<InvalidFieldException>(() => _lists.ListAsync(request, caller, CancellationToken.None));
            Assert.Equal(field, refused.Field);
        }

        Assert.Equal(before, await TablesAsync());
    }

    /// <summary>The count tables and the outbox as rows of text: equal before and after means nothing was written.</summary>
    private async Task<List<string>> TablesAsync()
    {
        var rows = new List<string>();
        foreach (var sql in new[]
        {
            "SELECT count_id || state || opened_by FROM counts ORDER BY count_id",
            "SELECT count_id || seq::text || kind FROM count_commands ORDER BY count_id, seq",
            "SELECT count(*)::text FROM outbox",
        })
        {
            await using var cmd = _db.CreateCommand(sql);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
