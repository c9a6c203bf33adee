using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Events;
using Logistics.Returns.Jobs;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Returns.Tests;

/// <summary>The returns schema (migrations applied) in a fresh database, with the store, handlers and job over it.</summary>
internal sealed class ReturnsDatabase : IAsyncDisposable
{
    private ReturnsDatabase(NpgsqlDataSource db, TestClock clock, ReturnsSettings settings)
    {
        Db = db;
        Clock = clock;
        Settings = settings;
        Store = new ReturnStore(db);
        OnPartInstalled = new PartInstalledHandler(Store, settings, clock, NullLogger<PartInstalledHandler>.Instance);
        OnDoaClaimApproved = new DoaClaimApprovedHandler(Store, settings, clock, NullLogger<DoaClaimApprovedHandler>.Instance);
        OnPartRequestShipped = new PartRequestShippedHandler(Store, settings, clock, NullLogger<PartRequestShippedHandler>.Instance);
        OnReceiptSigned = new ReceiptSignedHandler(Store, clock, NullLogger<ReceiptSignedHandler>.Instance);
    }

    public NpgsqlDataSource Db { get; }
    public TestClock Clock { get; }
    public ReturnsSettings Settings { get; }
    public ReturnStore Store { get; }
    public PartInstalledHandler OnPartInstalled { get; }
    public DoaClaimApprovedHandler OnDoaClaimApproved { get; }
    public PartRequestShippedHandler OnPartRequestShipped { get; }
    public ReceiptSignedHandler OnReceiptSigned { get; }

    public OverdueReturnsJob Job() => new(Db, Store, Settings, Clock, NullLogger<OverdueReturnsJob>.Instance);

    public static async Task<ReturnsDatabase> CreateAsync(TestPostgres postgres, DateTimeOffset now)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "returns" }.ConnectionString;
        var db = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(db, new ServiceSchema("returns"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ReturnStore).Assembly), CancellationToken.None);
        return new ReturnsDatabase(db, new TestClock(now), new ReturnsSettings());
    }

    /// <summary>Runs a handler in its own transaction, as the inbox does.</summary>
    public async Task HandleAsync(Func<InboxContext, Task> handle)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await handle(Inbox(tx));
        await tx.CommitAsync();
    }

    // The handlers take what they need in their constructors; the inbox's services are not asked.
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    /// <summary>What the inbox hands a handler: the transaction (the event id is not read by the handlers).</summary>
    public static InboxContext Inbox(NpgsqlTransaction tx) => new(Guid.NewGuid().ToString(), tx, NoServices);

    public async Task ChangeAsync(string returnId, Action<Domain.FaultyReturn> command)
    {
        await HandleAsync(async inbox =>
        {
            var r = await Store.FindForUpdateAsync(inbox.Transaction, returnId, CancellationToken.None) ?? throw new InvalidOperationException("no " + returnId);
            command(r);
            await ReturnChanges.SaveAsync(Store, inbox.Transaction, r, CancellationToken.None);
        });
    }

    public async Task<List<ReturnChanged>> ChangesAsync() =>
        (await OutboxAsync(EventTopics.ReturnChanged)).Select(ProtoJson.Parser.Parse<ReturnChanged>).ToList();

    public async Task<List<ReturnInspected>> InspectionsAsync() =>
        (await OutboxAsync(EventTopics.ReturnInspected)).Select(ProtoJson.Parser.Parse<ReturnInspected>).ToList();

    public async Task<long> CountAsync(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private async Task<List<string>> OutboxAsync(string topic)
    {
        await using var cmd = Db.CreateCommand("SELECT payload::text FROM outbox WHERE topic = $1 ORDER BY seq");
        cmd.Parameters.Add(new() { Value = topic });
        var list = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();

    public static PartInstalled Installed(string requestId = ReturnTestKit.RequestId, string removed = ReturnTestKit.FaultySerial, string engineer = ReturnTestKit.Engineer) => new()
    {
        RequestId = requestId, CentreId = "C1", PartNumber = ReturnTestKit.Part, EngineerId = engineer, SiteId = "SITE-1", TicketId = "T-100",
        EquipmentId = "EQ-7", InstalledSerial = ReturnTestKit.GoodSerial + requestId, RemovedSerial = removed,
        DeliveredAt = Timestamp.FromDateTimeOffset(ReturnTestKit.Delivered), InstalledAt = Timestamp.FromDateTimeOffset(ReturnTestKit.Installed),
    };

    public static DoaClaimApproved Approved(string claimId = ReturnTestKit.ClaimId) => new()
    {
        ClaimId = claimId, RequestId = "PR-3", Serial = ReturnTestKit.DeadSerial, CentreId = "C1", PartNumber = ReturnTestKit.Part, SiteId = "SITE-1",
        TicketId = "T-200", EngineerId = ReturnTestKit.Engineer, ApprovedBy = "dm-1", ApprovedAt = Timestamp.FromDateTimeOffset(ReturnTestKit.Approved),
        ReplacementRequestId = "doa-" + claimId,
    };

    public static PartRequestShipped ReplacementShipped(DateTimeOffset at, string claimId = ReturnTestKit.ClaimId) => new()
    {
        RequestId = "doa-" + claimId, CentreId = "C1", PartNumber = ReturnTestKit.Part, Serials = { "SN-REPL" }, Quantity = 1, Carrier = "DHL",
        TrackingNo = "TRK-9", ShippedAt = Timestamp.FromDateTimeOffset(at), EngineerId = ReturnTestKit.Engineer, DoaClaimId = claimId,
    };

    public static ReceiptSigned Receipt(string returnId, string serial = ReturnTestKit.FaultySerial, bool outer = true, bool esd = true, string kind = "engineer-to-centre") => new()
    {
        ReceiptId = "RC-" + Guid.NewGuid().ToString("N")[..8], Kind = kind, Reference = returnId, CentreId = "C1", PartNumber = ReturnTestKit.Part,
        Serials = { serial }, Quantity = 1, Faulty = true, SignedBy = "wh-1", SignedAt = Timestamp.FromDateTimeOffset(ReturnTestKit.PackedAt.AddDays(2)),
        HandedOverBy = ReturnTestKit.Engineer, OuterIntact = outer, EsdBagSealed = esd, Condition = "ok",
    };
}
