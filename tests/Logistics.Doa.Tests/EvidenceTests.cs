using System.Security.Cryptography;
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
/// Evidence files: the type read from the content, the size and count limits, who may add, and, on a real Postgres,
/// that an accepted file is stored with the claim and reads back byte for byte while a refused one stores nothing.
/// </summary>
public sealed class EvidenceTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private static readonly DoaPolicy Policy = DoaPolicy.Default;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Filer Manager = new("dm-1", true);

    /// <summary>The first bytes of a real JPEG (JFIF), PNG and PDF, padded to look like files.</summary>
    internal static byte[] Jpeg(int size = 2000, byte fill = 1) => Pad([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'], size, fill);
    internal static byte[] Png(int size = 2000) => Pad([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], size, 2);
    internal static byte[] Pdf(int size = 2000) => Pad("%PDF-1.7\n"u8.ToArray(), size, 3);

    private static byte[] Pad(byte[] start, int size, byte fill)
    {
        var bytes = new byte[size];
        Array.Fill(bytes, fill);
        start.CopyTo(bytes, 0);
        return bytes;
    }

    private NpgsqlDataSource _db = null!;
    private ClaimStore _store = null!;
    private EvidenceStore _evidence = null!;

    public async Task InitializeAsync()
    {
        _db = await DoaDatabase.CreateAsync(postgres);
        var deliveries = new DeliveriesTable();
        var tickets = new RequestTicketsTable();
        _store = new ClaimStore(_db, deliveries, tickets);
        _evidence = new EvidenceStore(_db);
        var facts = new Handlers(_store, deliveries, tickets, TimeProvider.System);
        await InTxAsync(async tx => { await facts.OnReceiptSignedAsync(tx, new ReceiptSigned
        {
            ReceiptId = "RC-1", Kind = "centre-to-engineer", Reference = "PR-1", CentreId = "C-1", PartNumber = "P-100", Serials = { "S1" },
            Quantity = 1, SignedBy = "eng-1", SignedAt = Timestamp.FromDateTimeOffset(Now.AddHours(-2)), SiteId = "SITE-9",
        }, Ct); return 0; });
        await InTxAsync(tx => _store.FileAndPublishAsync(tx, "DOA-1", new DoaFiling("PR-1", "S1", "unboxing", null, null, "no power", [], true, null),
            new Filer("eng-1", false), Policy, Now, Ct));
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

    /// <summary>What the API does with a whole upload: describe (check) it, then add it to the claim in one transaction.</summary>
    private Task<EvidenceFile> UploadAsync(string fileName, byte[] content, Filer? by = null, string id = "EV-1", string claimId = "DOA-1") =>
        InTxAsync(tx => _store.AddEvidenceAsync(tx, claimId, EvidenceContent.Describe(id, fileName, content, (by ?? Manager).UserId, Now, Policy),
            content, by ?? Manager, Policy, Ct));

    private async Task AssertNothingStoredAsync(int files = 0)
    {
        Assert.Equal(files, await _evidence.CountAsync("DOA-1", Ct));
        Assert.Equal(files, (await _store.FindAsync("DOA-1", Ct))!.Evidence.Count);
    }

    [Theory]
    [InlineData("unboxing.jpg", "image/jpeg")]
    [InlineData("label.png", "image/png")]
    [InlineData("report.pdf", "application/pdf")]
    public void The_type_comes_from_the_content(string name, string expected)
    {
        var content = expected switch { "image/jpeg" => Jpeg(), "image/png" => Png(), _ => Pdf() };
        // The name is only a name: the same bytes under a misleading name are still what they are.
        Assert.Equal(expected, EvidenceContent.Describe("EV-1", name, content, "dm-1", Now, Policy).ContentType);
        Assert.Equal(expected, EvidenceContent.Describe("EV-1", "photo.exe", content, "dm-1", Now, Policy).ContentType);
    }

    [Fact]
    public void A_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name()
    {
        var html = "<html><script>alert(1)</script></html>"u8.ToArray();
        var e = Assert.Throws<InvalidFieldException>(() => EvidenceContent.Describe("EV-1", "photo.jpg", html, "dm-1", Now, Policy));
        Assert.Equal("file: photo.jpg is not a JPEG, PNG or PDF file (its content says so, whatever its name); only photos and PDF reports are kept", e.Message);
        Assert.StartsWith("file: empty.png is empty", Assert.Throws<InvalidFieldException>(() => EvidenceContent.Describe("EV-1", "empty.png", [], "dm-1", Now, Policy)).Message);
        Assert.StartsWith("file_name:", Assert.Throws<InvalidFieldException>(() => EvidenceContent.Describe("EV-1", "../etc/passwd", Jpeg(), "dm-1", Now, Policy)).Message);
        Assert.StartsWith("file_name:", Assert.Throws<InvalidFieldException>(() => EvidenceContent.Describe("EV-1", " ", Jpeg(), "dm-1", Now, Policy)).Message);
    }

    [Fact]
    public void Ten_mebibytes_pass_and_one_byte_more_is_refused()
    {
        Assert.Equal(10 * 1024 * 1024, EvidenceContent.Describe("EV-1", "big.jpg", Jpeg(10 * 1024 * 1024), "dm-1", Now, Policy).SizeBytes);
        var e = Assert.Throws<InvalidFieldException>(() => EvidenceContent.Describe("EV-1", "huge.jpg", Jpeg(10 * 1024 * 1024 + 1), "dm-1", Now, Policy));
        Assert.Equal("file: huge.jpg is larger than 10 MiB; send a smaller photo or report", e.Message);
    }

    [Fact]
    public async Task An_accepted_file_is_listed_on_the_claim_and_reads_back_byte_for_byte()
    {
        var photo = Jpeg(300_000);
        var file = await UploadAsync("unboxing.jpg", photo);

        var claim = await _store.FindAsync("DOA-1", Ct);
        var listed = Assert.Single(claim!.Evidence);
        Assert.Equal(file, listed);
        Assert.Equal(("unboxing.jpg", "image/jpeg", 300_000L, "dm-1"), (listed.FileName, listed.ContentType, listed.SizeBytes, listed.UploadedBy));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(photo)), listed.Sha256);
        Assert.Equal(photo, await _evidence.ReadAsync("DOA-1", "EV-1", Ct));
        Assert.Null(await _evidence.ReadAsync("DOA-1", "EV-2", Ct));
        Assert.Equal(DoaClaimState.Filed, claim.State); // evidence is not a step
    }

    [Fact]
    public async Task A_refused_file_stores_nothing()
    {
        var bad = "MZ\u0090\0this is a program"u8.ToArray();
        await Assert.ThrowsAsync<InvalidFieldException>(() => UploadAsync("photo.jpg", bad));
        await AssertNothingStoredAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => UploadAsync("photo.jpg", Jpeg(), claimId: "DOA-404"));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_eleventh_file_and_a_repeated_file_are_refused_and_store_nothing()
    {
        var first = await UploadAsync("p0.jpg", Jpeg(fill: 100), id: "EV-0");
        var repeat = await Assert.ThrowsAsync<AlreadyExistsException>(() => UploadAsync("again.jpg", Jpeg(fill: 100), id: "EV-X"));
        Assert.Equal($"file: again.jpg has the same content as p0.jpg ({first.EvidenceId}), already on claim DOA-1", repeat.Message);
        await AssertNothingStoredAsync(1);

        for (var i = 1; i < 10; i++) await UploadAsync($"p{i}.jpg", Jpeg(fill: (byte)(100 + i)), id: $"EV-{i}");
        var e = await Assert.ThrowsAsync<RuleViolationException>(() => UploadAsync("p10.pdf", Pdf(), id: "EV-10"));
        Assert.Equal("claim DOA-1 already has 10 evidence files, the most a claim keeps", e.Message);
        await AssertNothingStoredAsync(10);
    }

    [Fact]
    public async Task Only_the_people_of_the_claim_add_evidence_and_only_before_the_decision()
    {
        // eng-1 filed it (and the unit was delivered to them); eng-2 has nothing to do with it.
        var e = await Assert.ThrowsAsync<NotAllowedException>(() => UploadAsync("p.jpg", Jpeg(), new Filer("eng-2", false)));
        Assert.Equal("claim DOA-1 is neither filed by eng-2 nor for a unit delivered to them", e.Message);
        await AssertNothingStoredAsync();
        await UploadAsync("p.jpg", Jpeg(), new Filer("eng-1", false));

        await InTxAsync(async tx =>
        {
            var claim = (await _store.FindForUpdateAsync(tx, "DOA-1", Ct))!;
            await _store.SaveAndPublishAsync(tx, claim, claim.Reject("dm-2", "photo shows a scratch only", Now, Policy), Ct);
            return 0;
        });
        var late = await Assert.ThrowsAsync<RuleViolationException>(() => UploadAsync("late.png", Png(), id: "EV-2"));
        Assert.Equal("claim DOA-1 is Rejected; evidence is added while the claim is Filed, before the decision", late.Message);
        await AssertNothingStoredAsync(1);
    }
}
