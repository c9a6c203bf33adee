using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Inventory.Tests;

/// <summary>
/// The catalogue search behind the console's pickers (ListParts, ListCentres) on a real Postgres: the text anywhere
/// in the id or the name, any case, pages that follow each other without gaps or repeats, and every field checked.
/// </summary>
public sealed class CatalogueSearchTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private PartsTable _parts = null!;
    private CentresTable _centres = null!;

    public async Task InitializeAsync()
    {
        _db = await InventoryDatabase.CreateAsync(postgres);
        _parts = new PartsTable(_db);
        _centres = new CentresTable(_db);
        await CatalogueAsync("02310QKA", "Main control board");
        await CatalogueAsync("02310QKB", "Power supply unit");
        await CatalogueAsync("03020ABC", "Fan module for the main shelf");
        await CatalogueAsync("04000XYZ", "Sold at 100%_off");
        for (var i = 0; i < 25; i++) await CatalogueAsync($"99{i:D3}", $"Cable {i}");
        await DefineCentreAsync("SZ-01", "Shenzhen spare-part centre");
        await DefineCentreAsync("BJ-01", "Beijing spare-part centre");
        await DefineCentreAsync("SH-02", "Shanghai depot");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_parts_supplier_is_stored_and_read_back_and_a_part_saved_without_one_reads_as_unknown()
    {
        await using (var conn = await _db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await _parts.SaveAsync(tx, new CataloguePart("SUP-P1", "Board", true, CataloguePart.Pieces, 1, T0) { Supplier = "ACME-EU" }, default);
            await tx.CommitAsync();
        }
        // A row written before suppliers existed (the migration's default).
        await using (var cmd = _db.CreateCommand("INSERT INTO parts (part_number, description, serialized, unit, version, updated_at) VALUES ('SUP-P0', 'Old', true, 'pcs', 1, now())"))
            await cmd.ExecuteNonQueryAsync();

        Assert.Equal("ACME-EU", (await _parts.FindAsync("SUP-P1", default))!.Supplier);
        Assert.Equal("", (await _parts.FindAsync("SUP-P0", default))!.Supplier);
        Assert.Equal(["", "ACME-EU"], (await _parts.SearchAsync(CatalogueSearch.Define("parts", "SUP-P", 10, ""), default)).Page.Select(p => p.Supplier));
    }

    [Fact]
    public async Task A_part_is_found_by_a_piece_of_its_number_or_of_its_description_in_any_case()
    {
        Assert.Equal(["02310QKA", "02310QKB"], await PartNumbersAsync("2310qk"));
        Assert.Equal(["02310QKA", "03020ABC"], await PartNumbersAsync("MAIN"));
        Assert.Empty(await PartNumbersAsync("no such part"));
    }

    [Fact]
    public async Task Percent_and_underscore_in_the_query_match_themselves_not_anything()
    {
        Assert.Equal(["04000XYZ"], await PartNumbersAsync("0%_o"));
        Assert.Empty(await PartNumbersAsync("_QKA_"));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats_and_the_last_has_no_token()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var search = CatalogueSearch.Define("parts", "cable", 10, token);
            var (page, more) = await _parts.SearchAsync(search, default);
            seen.AddRange(page.Select(p => p.PartNumber));
            token = more ? CatalogueSearch.Token("parts", page[^1].PartNumber) : null;
            pages++;
        } while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"99{i:D3}"), seen);
    }

    [Fact]
    public async Task An_empty_query_lists_everything_twenty_at_a_time()
    {
        var (page, more) = await _parts.SearchAsync(CatalogueSearch.Define("parts", "", 0, null), default);
        Assert.Equal(20, page.Count);
        Assert.True(more);
    }

    [Fact]
    public async Task A_centre_is_found_by_a_piece_of_its_id_or_its_name()
    {
        var (byName, _) = await _centres.SearchAsync(CatalogueSearch.Define("centres", "spare-part", 0, null), default);
        Assert.Equal(["BJ-01", "SZ-01"], byName.Select(c => c.CentreId));
        var (byId, _) = await _centres.SearchAsync(CatalogueSearch.Define("centres", "sh-0", 0, null), default);
        Assert.Equal("Shanghai depot", Assert.Single(byId).Name);
    }

    [Theory]
    [InlineData("parts", "a\u0001b", 0, null, "query")]
    [InlineData("parts", null, -1, null, "page_size")]
    [InlineData("parts", null, 101, null, "page_size")]
    [InlineData("parts", null, 0, "not-a-token", "page_token")]
    [InlineData("centres", null, 0, "cGFydHMtYWZ0ZXI6MDIzMTBRS0E", "page_token")] // a parts token ("parts-after:02310QKA") given to centres
    public void A_bad_field_is_refused_naming_it(string kind, string? query, int pageSize, string? token, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => CatalogueSearch.Define(kind, query, pageSize, token)).Field);

    [Fact]
    public void A_query_longer_than_a_hundred_characters_is_refused_and_a_token_round_trips()
    {
        Assert.Contains("longer than 100", Assert.Throws<InvalidFieldException>(() => CatalogueSearch.Define("parts", new string('a', 101), 0, null)).Message);
        Assert.Equal("02310QKA", CatalogueSearch.Define("parts", "", 0, CatalogueSearch.Token("parts", "02310QKA")).After);
        Assert.Equal("cGFydHMtYWZ0ZXI6MDIzMTBRS0E", CatalogueSearch.Token("parts", "02310QKA"));
    }

    private async Task<List<string>> PartNumbersAsync(string query)
    {
        var (page, _) = await _parts.SearchAsync(CatalogueSearch.Define("parts", query, 0, null), default);
        return page.Select(p => p.PartNumber).ToList();
    }

    private async Task CatalogueAsync(string number, string description)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await _parts.SaveAsync(tx, new CataloguePart(number, description, true, CataloguePart.Pieces, 1, T0), default);
        await tx.CommitAsync();
    }

    private async Task DefineCentreAsync(string id, string name)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await _centres.SaveAsync(tx, SparePartCentre.Apply(null, SparePartCentre.Define(id, name, ["A-01"]), T0)!, default);
        await tx.CommitAsync();
    }
}
