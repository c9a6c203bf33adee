using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.LocalStack;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Testing;

/// <summary>
/// One service hosted in the test process: its own composition (<c>XxxApp.Build</c>, as its Program.cs runs it) on two free
/// loopback ports, against a fresh database on the test Postgres and the test Redis, with its real appsettings.json. Tests
/// call it through a real <see cref="GrpcChannel"/> or REST (JSON transcoding) with signed tokens, and deliver CloudEvents
/// to its subscriber routes as its Dapr sidecar would. No sidecar runs: what the service publishes stays in its outbox,
/// where the test reads it.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    /// <summary>Signs the test tokens; the service validates them with the same key, as on the local stack.</summary>
    public const string SigningKey = "service-tier-tests-signing-key-of-at-least-32-bytes";

    /// <summary>Dapr's app API token: the subscriber routes refuse events without it.</summary>
    public const string AppApiToken = "service-tier-tests-app-api-token";

    private const string PubsubName = "pubsub";

    private readonly DevTokenIssuer _tokens = new(new AuthOptions { SigningKey = SigningKey });
    private readonly List<IDisposable> _clients = [];

    private ServiceHost(WebApplication app, string schema, NpgsqlDataSource db, int httpPort, int grpcPort)
    {
        App = app;
        Schema = schema;
        Db = db;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public WebApplication App { get; }

    /// <summary>The service's own schema (its search_path), e.g. "inventory".</summary>
    public string Schema { get; }

    /// <summary>The service's database, on its schema: for reading what a call stored.</summary>
    public NpgsqlDataSource Db { get; }

    public int HttpPort { get; }
    public int GrpcPort { get; }

    /// <summary>
    /// Builds the service with <paramref name="build"/> (its <c>XxxApp.Build</c>), migrates a fresh database with the
    /// service's migrations (<paramref name="serviceAssembly"/>) and starts it.
    /// </summary>
    /// <param name="folder">The service's folder under services/ (its appsettings.json is read from there).</param>
    /// <param name="settings">Settings over the test ones (a policy window, a scan interval).</param>
    public static async Task<ServiceHost> StartAsync(
        Func<string[], IReadOnlyDictionary<string, string?>, WebApplication> build, Assembly serviceAssembly, string folder, string schema,
        TestPostgres postgres, TestRedis? redis = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString);
        // The service discovers its migrations in its entry assembly, which here is the test host: applied first, as its start would.
        await new MigrationRunner(db, new ServiceSchema(schema), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, serviceAssembly), CancellationToken.None);

        var httpPort = FreePort.Next();
        var grpcPort = FreePort.Next();
        var noSidecar = FreePort.Next(); // nothing listens there: publishing fails and the events stay in the outbox
        var all = new Dictionary<string, string?>
        {
            ["Ports:Http"] = httpPort.ToString(),
            ["Ports:Grpc"] = grpcPort.ToString(),
            ["ConnectionStrings:Postgres"] = connectionString,
            ["ConnectionStrings:Redis"] = redis?.ConnectionString,
            ["Auth:SigningKey"] = SigningKey,
            ["Messaging:PubsubName"] = PubsubName,
            [SidecarOnlyOptions.TokenSetting] = AppApiToken,
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{noSidecar}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{noSidecar}",
            // The failing publications and the refusals the tests provoke on purpose are not worth a line each.
            ["Logging:LogLevel:Default"] = "Error",
            ["Logging:LogLevel:Logistics.Hosting.Messaging.OutboxRelay"] = "None",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;

        var app = build(["--contentRoot", RepoLayout.PathOf(Path.Combine("services", folder))], all);
        await app.StartAsync();
        return new ServiceHost(app, schema, db, httpPort, grpcPort);
    }

    /// <summary>A token for a user with these roles (and, for warehouse staff and supervisors, these centres).</summary>
    public string Token(string userId, string[] roles, string[]? centres = null) => _tokens.Issue(userId, roles, centres);

    /// <summary>A gRPC channel to the service whose calls carry the user's token.</summary>
    public GrpcChannel GrpcAs(string userId, string[] roles, string[]? centres = null)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId, roles, centres));
        _clients.Add(http);
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", new GrpcChannelOptions { HttpClient = http, DisposeHttpClient = false });
        _clients.Add(channel);
        return channel;
    }

    /// <summary>An HttpClient on the service's REST port (JSON transcoding) whose calls carry the user's token.</summary>
    public HttpClient RestAs(string userId, string[] roles, string[]? centres = null)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId, roles, centres));
        _clients.Add(http);
        return http;
    }

    /// <summary>
    /// Delivers <paramref name="message"/> on <paramref name="topic"/> as the Dapr sidecar does: a CloudEvent
    /// (application/cloudevents+json, the event's proto JSON as data) posted to /events/{topic} with the app API token.
    /// </summary>
    public async Task<HttpResponseMessage> DeliverAsync(string topic, IMessage message, string? eventId = null)
    {
        var cloudEvent = new JsonObject
        {
            ["id"] = eventId ?? Guid.NewGuid().ToString(),
            ["specversion"] = "1.0",
            ["datacontenttype"] = "application/json",
            ["source"] = "service-tier-tests",
            ["type"] = message.Descriptor.FullName,
            ["topic"] = topic,
            ["pubsubname"] = PubsubName,
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = JsonNode.Parse(ProtoJson.Formatter.Format(message)),
        };
        return await DeliverRawAsync(topic, cloudEvent.ToJsonString());
    }

    /// <summary>Posts a CloudEvent body as it is (a malformed event, an event without an id).</summary>
    public async Task<HttpResponseMessage> DeliverRawAsync(string topic, string cloudEvent, string? appApiToken = AppApiToken)
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events/{topic}")
        {
            Content = new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"),
        };
        if (appApiToken is not null) request.Headers.Add(SidecarOnlyOptions.Header, appApiToken);
        request.Headers.Add("pubsubname", PubsubName);
        return await sidecar.SendAsync(request);
    }

    /// <summary>The events the service has written to its outbox, oldest first: (topic, proto JSON payload).</summary>
    public async Task<IReadOnlyList<(string Topic, string Payload)>> OutboxAsync()
    {
        var rows = new List<(string, string)>();
        await using var cmd = Db.CreateCommand("SELECT topic, payload::text FROM outbox ORDER BY seq");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    /// <summary>One value from the service's schema.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>
    /// A reading of every row of the service's schema (and nothing else): equal before and after a call that must write
    /// nothing. <paramref name="except"/> names tables to leave out (the migrations' own bookkeeping is always left out).
    /// </summary>
    public async Task<string> StoredStateAsync(params string[] except)
    {
        var tables = new List<string>();
        await using (var cmd = Db.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Schema });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var state = new StringBuilder();
        foreach (var table in tables.Where(t => !except.Contains(t) && !t.Contains("migration", StringComparison.Ordinal)))
        {
            await using var cmd = Db.CreateCommand(
                $"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{Schema}\".\"{table}\" t");
            state.Append(table).Append('=').Append(await cmd.ExecuteScalarAsync()).Append(' ');
        }
        return state.ToString();
    }

    /// <summary>
    /// <see cref="StoredStateAsync"/> once what earlier calls set off in the background (a ledger's numbering, a relay) is
    /// done: the state read the same three times in a row.
    /// </summary>
    public async Task<string> SettledStateAsync(params string[] except)
    {
        var last = "";
        var same = 0;
        await Eventually.Until(async () =>
        {
            var now = await StoredStateAsync(except);
            same = now == last ? same + 1 : 0;
            last = now;
            if (same < 2) await Task.Delay(100);
            return same >= 2;
        }, TimeSpan.FromSeconds(30), $"{Schema} to settle");
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}
