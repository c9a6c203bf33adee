using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Dapr.Client;
using System.Net.Http.Json;
using Logistics.LocalStack;
using Logistics.LocalStack.Invariants;
using Npgsql;
using Xunit;

namespace Logistics.Testing;

/// <summary>
/// The full local stack (Postgres, Redis, a local sidecar per service, the services, the gateway) on free
/// loopback ports in a temp folder, started by the same launcher code as deploy/local/up.sh.
/// Use as an xunit collection fixture; it stops every process it started.
/// </summary>
public sealed partial class TestStack : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private NpgsqlDataSource? _database;

    public LocalStack.LocalStack Stack { get; }
    public HttpClient Rest { get; }

    public TestStack()
    {
        Stack = new LocalStack.LocalStack(StackLayout.Load().WithPorts(FreePort.Distinct()), _folder.Path, Console.WriteLine);
        Rest = new HttpClient { BaseAddress = new Uri(Stack.GatewayHttp), Timeout = TimeSpan.FromSeconds(30) };
        // Every service reads its clock as real time plus this file's offset, so tests can move time forward.
        File.WriteAllText(ClockOffsetFile, TimeSpan.Zero.ToString());
        Stack.ServiceSettings["Clock__OffsetFile"] = ClockOffsetFile;
        Stack.ServiceSettings["Returns__OverdueScanInterval"] = "00:00:00.250";
        Stack.ServiceSettings["Receipts__TransitScanInterval"] = "00:00:00.250";
        Stack.ServiceSettings["Metrics__SampleInterval"] = "00:00:01"; // the gauges' queries, read at once after a change
        // The services' test-only event drill (EventDrill): events whose data holds a marker of this file are refused
        // until the marker is removed. Empty: no effect. The services honour it only in the Testing environment.
        File.WriteAllText(FailEventsFile, "");
        Stack.ServiceSettings["ASPNETCORE_ENVIRONMENT"] = "Testing";
        Stack.ServiceSettings["Testing__FailEventsFile"] = FailEventsFile;
        // Every test calls from 127.0.0.1, and some send hundreds of forged tokens in a row: the gateway's limit per
        // address for callers without a valid token would answer them 429 instead of 401. Its own test is in
        // Logistics.Gateway.Tests.
        Stack.GatewaySettings["RateLimits__Anonymous__TokenLimit"] = "1000000";
    }

    public string ClockOffsetFile => Path.Combine(_folder.Path, "clock-offset");

    public string FailEventsFile => Path.Combine(_folder.Path, "fail-events");

    /// <summary>From now on every service refuses (dead-letters) events whose data contains <paramref name="marker"/>.</summary>
    public void FailEventsContaining(string marker) => WriteFailEvents(File.ReadAllLines(FailEventsFile).Append(marker));

    /// <summary>The "fix": events containing <paramref name="marker"/> are applied again.</summary>
    public void StopFailingEventsContaining(string marker) => WriteFailEvents(File.ReadAllLines(FailEventsFile).Where(l => l != marker));

    private void WriteFailEvents(IEnumerable<string> markers)
    {
        var next = FailEventsFile + ".next";
        File.WriteAllLines(next, markers.ToList());
        File.Move(next, FailEventsFile, overwrite: true); // services never read a half-written file
    }

    /// <summary>How far the services' clocks are moved now.</summary>
    public TimeSpan ClockOffset => TimeSpan.Parse(File.ReadAllText(ClockOffsetFile));

    /// <summary>
    /// Moves every service's clock forward by <paramref name="by"/> (on top of earlier moves), and returns once every
    /// service reads the new offset: a service reads the file at most every 200 ms (OffsetTimeProvider), so a call made
    /// right after the move could still be stamped with the old time (a goods-in at the start of the next test stamped
    /// five days ahead put custody's chain out of order; a request got its deliver-by a clock move later).
    /// </summary>
    public TimeSpan MoveClock(TimeSpan by)
    {
        var offset = TimeSpan.Parse(File.ReadAllText(ClockOffsetFile)) + by;
        var next = ClockOffsetFile + ".next";
        File.WriteAllText(next, offset.ToString());
        File.Move(next, ClockOffsetFile, overwrite: true); // services never read a half-written file
        Thread.Sleep(TimeSpan.FromMilliseconds(300));
        return offset;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await Stack.StartAsync();
        }
        catch
        {
            Stack.Stop();
            throw;
        }
    }

    public NpgsqlDataSource Database => _database ??= NpgsqlDataSource.Create(Stack.PostgresConnectionString);

    /// <summary>A signed token from the gateway's local-only /dev/token endpoint, for a user who works for no centre.</summary>
    public Task<string> TokenAsync(string userId, params string[] roles) => TokenAsync(userId, roles, []);

    /// <summary>
    /// A signed token for a user with these roles who works for these centres (its "centres" claim): warehouse staff and
    /// supervisors act only there.
    /// </summary>
    public async Task<string> TokenAsync(string userId, string[] roles, string[] centres)
    {
        using var response = await Rest.PostAsJsonAsync("/dev/token", centres.Length == 0 ? new { userId, roles } : (object)new { userId, roles, centres });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return body!.Token;
    }

    /// <summary>A client for a user with these roles that waits out the rate limit (<see cref="RateLimitPatientHandler"/>).</summary>
    public Task<HttpClient> RestAsAsync(string userId, params string[] roles) => RestAsAsync(userId, roles, []);

    /// <summary>As <see cref="RestAsAsync(string, string[])"/>, for staff who work for <paramref name="centres"/>.</summary>
    public async Task<HttpClient> RestAsAsync(string userId, string[] roles, string[] centres)
    {
        var client = new HttpClient(new RateLimitPatientHandler()) { BaseAddress = new Uri(Stack.GatewayHttp), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(userId, roles, centres));
        return client;
    }

    /// <summary>A client that shows every answer as it comes, 429 included (for tests of the rate limit itself).</summary>
    public Task<HttpClient> RawRestAsAsync(string userId, params string[] roles) => RawRestAsAsync(userId, roles, []);

    public async Task<HttpClient> RawRestAsAsync(string userId, string[] roles, string[] centres)
    {
        var client = new HttpClient { BaseAddress = new Uri(Stack.GatewayHttp), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(userId, roles, centres));
        return client;
    }

    /// <summary>A client that retries transient failures with the same idempotency key (<see cref="RetryingHandler"/>).</summary>
    public Task<HttpClient> ResilientRestAsAsync(string userId, params string[] roles) => ResilientRestAsAsync(userId, roles, []);

    public async Task<HttpClient> ResilientRestAsAsync(string userId, string[] roles, string[] centres)
    {
        var client = new HttpClient(new RetryingHandler()) { BaseAddress = new Uri(Stack.GatewayHttp), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(userId, roles, centres));
        return client;
    }

    /// <summary>One value from the stack's database, for assertions on what a call wrote (or did not).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = Database.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A DaprClient that publishes as the app: through its sidecar, with its Dapr API token (as the app's own client does).</summary>
    public DaprClient SidecarOf(string appId)
    {
        var app = Stack.Layout.App(appId);
        return new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{app.DaprGrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{app.DaprHttpPort}")
            .UseDaprApiToken(Stack.Tokens[appId].DaprApiToken)
            .Build();
    }

    /// <summary>
    /// The app allowed to publish the topic (publishingScopes of deploy/dapr/components/pubsub.yaml): a test standing in
    /// for a publisher publishes through that app's sidecar, since every other sidecar refuses the topic.
    /// </summary>
    public string PublisherOf(string topic)
    {
        var yaml = File.ReadAllText(Path.Combine(Stack.ComponentsDir, "pubsub.yaml"));
        var scopes = PublishingScopes().Match(yaml);
        if (!scopes.Success) throw new InvalidOperationException("pubsub.yaml has no publishingScopes");
        foreach (Match line in ScopeLine().Matches(scopes.Groups["lines"].Value))
            if (line.Groups["topics"].Value.Split(',').Contains(topic)) return line.Groups["app"].Value;
        throw new InvalidOperationException($"no app may publish {topic}");
    }

    [GeneratedRegex(@"name:\s*publishingScopes\s*\n\s*value:\s*>-\s*\n(?<lines>(?:[ ]{6,}\S+\n)+)")]
    private static partial Regex PublishingScopes();

    [GeneratedRegex(@"(?<app>[a-z0-9-]+)=(?<topics>[^;\s]*);?")]
    private static partial Regex ScopeLine();

    /// <summary>Runs the invariant checker (the one deploy/local/check.sh runs) and fails listing every violation.</summary>
    /// <param name="centres">
    /// Only what concerns these centres (their stock, the serials they hold, the rows that name them); the whole stack
    /// when null. A test on the shared end-to-end stack names its own: other tests plant inconsistencies on purpose.
    /// </param>
    public async Task AssertInvariantsAsync(TimeSpan? quiescence = null, IReadOnlyCollection<string>? centres = null)
    {
        var token = await InvariantChecker.DevTokenAsync(Stack.GatewayHttp);
        var violations = await new InvariantChecker(Stack.PostgresConnectionString, Stack.Redis.ConnectionString, Stack.GatewayHttp, token, Console.WriteLine)
            { Centres = centres?.ToHashSet(StringComparer.Ordinal) }
            .CheckAsync(quiescence ?? TimeSpan.FromSeconds(30));
        Assert.True(violations.Count == 0, "invariants violated:\n" + string.Join("\n", violations));
    }

    public async Task DisposeAsync()
    {
        Rest.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        Stack.Stop();
        _folder.Dispose();
    }

    private sealed record TokenResponse(string Token);
}
