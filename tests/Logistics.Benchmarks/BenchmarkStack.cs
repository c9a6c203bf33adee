using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Inventory.Data.Stock;
using Logistics.LocalStack;
using Logistics.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Benchmarks;

/// <summary>
/// The running stack as the benchmarks use it: tokens signed with the stack's key (so minting one costs the gateway
/// nothing), one gRPC channel to the gateway and one per service, REST for setup, and Postgres and Redis for seeding
/// and for the storage-level baselines.
/// </summary>
public sealed class BenchmarkStack : IAsyncDisposable
{
    private readonly DevTokenIssuer _tokens;
    private readonly ConcurrentDictionary<string, GrpcChannel> _direct = new();

    private BenchmarkStack(LocalStack.LocalStack stack, TempFolder folder, ConnectionMultiplexer redis)
    {
        Stack = stack;
        Folder = folder;
        Redis = redis;
        _tokens = new DevTokenIssuer(new AuthOptions { SigningKey = stack.SigningKey });
        Gateway = GrpcChannel.ForAddress(stack.GatewayGrpc);
        Rest = new HttpClient { BaseAddress = new Uri(stack.GatewayHttp), Timeout = TimeSpan.FromMinutes(5) };
        Database = NpgsqlDataSource.Create(stack.PostgresConnectionString);
    }

    public LocalStack.LocalStack Stack { get; }
    public TempFolder Folder { get; }
    public ConnectionMultiplexer Redis { get; }
    public GrpcChannel Gateway { get; }
    public HttpClient Rest { get; }
    public NpgsqlDataSource Database { get; }

    public static async Task<BenchmarkStack> CreateAsync(LocalStack.LocalStack stack, TempFolder folder) =>
        new(stack, folder, await ConnectionMultiplexer.ConnectAsync(stack.Redis.ConnectionString));

    /// <summary>Straight to a service's gRPC port, past the gateway.</summary>
    public GrpcChannel Direct(string appId) =>
        _direct.GetOrAdd(appId, id => GrpcChannel.ForAddress($"http://127.0.0.1:{Stack.Layout.App(id).GrpcPort}"));

    /// <summary>The benchmarks' staff work for every benchmark centre (warehouse staff and supervisors act only there).</summary>
    public static readonly string[] StaffCentres = [FlowBenchmark.Centre, CountCloseBenchmark.Centre, ReservationBenchmark.Centre, ConsoleBenchmark.Centre];

    public string Token(string userId, string role) => _tokens.Issue(userId, [role], StaffCentres);

    public Metadata As(string userId, string role) => new() { { "authorization", "Bearer " + Token(userId, role) } };

    /// <summary>A setup call through the gateway's REST API; throws with the answer when it is not a success.</summary>
    public async Task SendAsync(HttpMethod method, string path, string userId, string role, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId, role));
        using var response = await Rest.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var cmd = Database.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A seeding statement; they run for minutes at the benchmark's sizes.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = Database.CreateCommand(sql);
        cmd.CommandTimeout = (int)TimeSpan.FromMinutes(30).TotalSeconds;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Waits until every service's outbox is published and every subscriber has caught up (the event cascade of the
    /// previous step is over), so one benchmark does not pay for the backlog of another.
    /// </summary>
    public async Task SettleAsync(string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = TimeSpan.FromMinutes(10);
        var apps = Stack.Layout.Apps.Select(a => a.AppId).ToList();
        var unpublished = string.Join(" + ", apps.Select(a => $"(SELECT count(*) FROM {a}.outbox WHERE published_at IS NULL)"));
        long previous = -1;
        while (true)
        {
            var waiting = await ScalarAsync<long>($"SELECT {unpublished}");
            var undelivered = await StreamBacklogAsync();
            var undrained = await UndrainedCentresAsync();
            if (waiting + undelivered + undrained == 0) break;
            var state = $"{waiting} events to publish, {undelivered} to deliver, {undrained} centres' movements to drain";
            if (clock.Elapsed > limit) throw new TimeoutException($"{what}: still {state} after {limit}");
            if (waiting + undelivered + undrained != previous) Console.Error.WriteLine($"  settling after {what}: {state}");
            previous = waiting + undelivered + undrained;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Console.Error.WriteLine($"  settled after {what} in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Centres whose Redis movement stream holds entries inventory's movement relay has not drained into the ledger yet.</summary>
    private async Task<long> UndrainedCentresAsync()
    {
        var db = Redis.GetDatabase();
        long undrained = 0;
        await using var cmd = Database.CreateCommand(
            "SELECT c.centre_id, coalesce(l.last_stream_id, '') FROM inventory.centres c LEFT JOIN inventory.ledger_cursors l USING (centre_id)");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var last = await db.StreamRangeAsync(new StockKeys(reader.GetString(0)).Movements, count: 1, messageOrder: Order.Descending);
            if (last.Length > 0 && last[0].Id != reader.GetString(1)) undrained++;
        }
        return undrained;
    }

    /// <summary>Entries of the event topics the sidecars' consumer groups have not acknowledged yet (pending or not yet read).</summary>
    private async Task<long> StreamBacklogAsync()
    {
        var db = Redis.GetDatabase();
        long total = 0;
        foreach (var topic in typeof(EventTopics).GetFields().Select(f => (string)f.GetValue(null)!))
        {
            if (!await db.KeyExistsAsync(topic)) continue;
            foreach (var group in await db.StreamGroupInfoAsync(topic))
                total += group.PendingMessageCount + (group.Lag ?? 0);
        }
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        foreach (var channel in _direct.Values) channel.Dispose();
        Rest.Dispose();
        await Database.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
