using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Custody.Api;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Custody.V1;
using Logistics.Events.V1;
using Logistics.Hosting;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Grpc;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Custody.Tests;

/// <summary>
/// Resolving an anomaly through the real API: CustodyApi over gRPC on a loopback socket with the services' JWT
/// authentication and error mapping, on a real Postgres. The anomaly comes from the recorder (a handover from a non-holder).
/// </summary>
public sealed class AnomalyResolutionTests(TestPostgres postgres) : IClassFixture<TestPostgres>, IAsyncLifetime
{
    private const string SigningKey = "custody-tests-signing-key-of-at-least-32-bytes";
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    private NpgsqlDataSource _db = null!;
    private WebApplication _app = null!;
    private GrpcChannel _channel = null!;
    private DevTokenIssuer _tokens = null!;
    private string _anomalyId = "";

    public async Task InitializeAsync()
    {
        var csb = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "custody" };
        _db = NpgsqlDataSource.Create(csb.ConnectionString);
        await new MigrationRunner(_db, new ServiceSchema("custody"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(CustodyRecorder).Assembly), CancellationToken.None);

        // A serial received at C1, then shipped by C2: a handover from a non-holder.
        await RecordAsync(CustodyTranslation.From(new StockMovementRecorded
        {
            MovementId = "m-1", CentreId = "C1", PartNumber = "P1", Kind = "goods-in", Bin = "A-01", Serials = { "S1" },
            OccurredAt = Timestamp.FromDateTimeOffset(T0),
        }, new EventSource("ce-1", T0)));
        await RecordAsync(CustodyTranslation.From(new PartRequestShipped
        {
            RequestId = "PR-1", CentreId = "C2", PartNumber = "P1", Serials = { "S1" }, Carrier = "DHL", TrackingNo = "T-1", EngineerId = "eng-1",
            ShippedAt = Timestamp.FromDateTimeOffset(T0.AddMinutes(10)),
        }, new EventSource("ce-2", T0)));
        _anomalyId = await ScalarAsync<string>("SELECT anomaly_id FROM anomalies");

        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = SigningKey });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<TimeProvider>(new TestClock(Now));
        builder.Services.AddLogisticsAuthentication(builder.Configuration);
        builder.Services.AddGrpc(o => o.Interceptors.Add<DomainErrorInterceptor>());
        builder.Services.AddSingleton(_db);
        builder.Services.AddSingleton<CustodyLedger>();
        builder.Services.AddSingleton<AnomaliesTable>();
        builder.Services.AddSingleton<Commands>();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGrpcApi<CustodyApi>(); // with the roles of custody.proto, as the service maps it
        await _app.StartAsync();
        _tokens = _app.Services.GetRequiredService<DevTokenIssuer>();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task RecordAsync(Translation translation)
    {
        await using var conn = await _db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new CustodyRecorder(TimeProvider.System).RecordAsync(tx, translation, CancellationToken.None);
        await tx.CommitAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = _db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private CustodyService.CustodyServiceClient Client => new(_channel);

    private CallOptions As(string user, string role, string? key = null)
    {
        var headers = new Metadata { { "authorization", "Bearer " + _tokens.Issue(user, [role]) } };
        if (key is not null) headers.Add("idempotency-key", key);
        return new CallOptions(headers);
    }

    /// <summary>Resolutions, resolved events, and stored keys: what a refused call must leave at zero.</summary>
    private async Task<(long Resolutions, long Events, long Keys)> WrittenAsync() =>
        (await ScalarAsync<long>("SELECT count(*) FROM anomaly_resolutions"),
         await ScalarAsync<long>("SELECT count(*) FROM outbox WHERE topic = 'custody-anomaly-resolved'"),
         await ScalarAsync<long>("SELECT count(*) FROM idempotency_keys"));

    [Fact]
    public async Task A_supervisor_resolves_an_anomaly_with_a_note_recorded_beside_it_and_published()
    {
        var ledgerBefore = await ScalarAsync<long>("SELECT count(*) FROM custody_events");

        var resolved = await Client.ResolveAnomalyAsync(
            new ResolveAnomalyRequest { AnomalyId = _anomalyId, Note = "  C2 shipped a C1 unit; transfer paperwork found  " }, As("sup-1", Roles.Supervisor, "k-1"));

        Assert.Equal(_anomalyId, resolved.AnomalyId);
        Assert.Equal("handover-from-non-holder", resolved.Kind);
        Assert.Equal(("sup-1", "C2 shipped a C1 unit; transfer paperwork found", Now),
            (resolved.Resolution.ResolvedBy, resolved.Resolution.Note, resolved.Resolution.ResolvedAt.ToDateTimeOffset()));
        Assert.Equal((1L, 1L, 1L), await WrittenAsync());
        Assert.Equal("sup-1", await ScalarAsync<string>("SELECT payload->>'resolvedBy' FROM outbox WHERE topic = 'custody-anomaly-resolved'"));
        // The ledger and the anomaly stay as they were.
        Assert.Equal(ledgerBefore, await ScalarAsync<long>("SELECT count(*) FROM custody_events"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM anomalies"));

        // Lists: open no longer has it, resolved has it with the resolution; an auditor reads it too.
        var open = await Client.ListAnomaliesAsync(new ListAnomaliesRequest { State = "open" }, As("aud-1", Roles.Auditor));
        Assert.Empty(open.Anomalies);
        var done = await Client.ListAnomaliesAsync(new ListAnomaliesRequest { State = "resolved" }, As("aud-1", Roles.Auditor));
        Assert.Equal([("sup-1", "C2 shipped a C1 unit; transfer paperwork found")], done.Anomalies.Select(a => (a.Resolution.ResolvedBy, a.Resolution.Note)));
    }

    [Fact]
    public async Task The_same_key_answers_the_first_resolution_and_a_second_resolution_is_refused()
    {
        var request = new ResolveAnomalyRequest { AnomalyId = _anomalyId, Note = "checked" };
        var first = await Client.ResolveAnomalyAsync(request, As("sup-1", Roles.Supervisor, "k-1"));
        var retry = await Client.ResolveAnomalyAsync(request, As("sup-1", Roles.Supervisor, "k-1"));
        Assert.Equal(first, retry);

        var again = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ResolveAnomalyAsync(new ResolveAnomalyRequest { AnomalyId = _anomalyId, Note = "me too" }, As("sup-2", Roles.Supervisor, "k-2")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Contains("already resolved by sup-1", again.Status.Detail);
        Assert.Equal((1L, 1L, 1L), await WrittenAsync());
    }

    public static TheoryData<string, string, string, StatusCode, string> Refusals => new()
    {
        { Roles.Auditor, "AN-", "note", StatusCode.PermissionDenied, "" },
        { Roles.Engineer, "AN-", "note", StatusCode.PermissionDenied, "" },
        { Roles.Warehouse, "AN-", "note", StatusCode.PermissionDenied, "" },
        { Roles.Supervisor, "AN-", "", StatusCode.InvalidArgument, "note: is required" },
        { Roles.Supervisor, "AN-", "   ", StatusCode.InvalidArgument, "note: is required" },
        { Roles.Supervisor, "AN-", new string('x', 1001), StatusCode.InvalidArgument, "note: is longer than 1000" },
        { Roles.Supervisor, "AN-", "line\u0007bell", StatusCode.InvalidArgument, "note: contains control characters" },
        { Roles.Supervisor, "", "note", StatusCode.InvalidArgument, "anomaly_id: is required" },
        { Roles.Supervisor, "AN-XYZ", "note", StatusCode.InvalidArgument, "anomaly_id: is not an anomaly id" },
        { Roles.Supervisor, "AN-00000000000000000000000000000000", "note", StatusCode.NotFound, "was never recorded" },
    };

    /// <summary>"AN-" stands for the recorded anomaly's id.</summary>
    [Theory, MemberData(nameof(Refusals))]
    public async Task A_refused_resolution_writes_nothing(string role, string anomalyId, string note, StatusCode status, string message)
    {
        var id = anomalyId == "AN-" ? _anomalyId : anomalyId;
        var refusal = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ResolveAnomalyAsync(new ResolveAnomalyRequest { AnomalyId = id, Note = note }, As("user-1", role, "k-refused")).ResponseAsync);

        Assert.Equal(status, refusal.StatusCode);
        Assert.Contains(message, refusal.Status.Detail);
        Assert.Equal((0L, 0L, 0L), await WrittenAsync());
        Assert.Single((await Client.ListAnomaliesAsync(new ListAnomaliesRequest { State = "open" }, As("aud-1", Roles.Auditor))).Anomalies);
    }

    [Fact]
    public async Task The_list_refuses_an_unknown_state()
    {
        var refusal = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ListAnomaliesAsync(new ListAnomaliesRequest { State = "closed" }, As("aud-1", Roles.Auditor)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
        Assert.StartsWith("state:", refusal.Status.Detail);
    }

    [Fact]
    public async Task Resolutions_can_never_be_changed_or_deleted()
    {
        await Client.ResolveAnomalyAsync(new ResolveAnomalyRequest { AnomalyId = _anomalyId, Note = "checked" }, As("sup-1", Roles.Supervisor));
        foreach (var sql in new[] { "UPDATE anomaly_resolutions SET note = 'rewritten'", "DELETE FROM anomaly_resolutions" })
        {
            await using var cmd = _db.CreateCommand(sql);
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.RestrictViolation, refusal.SqlState);
        }
        Assert.Equal("checked", await ScalarAsync<string>("SELECT note FROM anomaly_resolutions"));
    }
}
