using System.Text.Json;

namespace Logistics.LocalStack;

/// <summary>
/// deploy/stack.json: the one place that names the local stack's app ids and ports. <see cref="Apps"/> are the services
/// behind the gateway; <see cref="Web"/> is the web console, served by the gateway at `/` (its gRPC port is unused).
/// </summary>
public sealed record StackLayout(string PubsubName, GatewayPorts Gateway, PostgresSettings Postgres, RedisSettings Redis, IReadOnlyList<AppPorts> Apps,
    AppPorts? Web = null, PrometheusSettings? Prometheus = null)
{
    public const string File = "deploy/stack.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static StackLayout Load(string? path = null) =>
        JsonSerializer.Deserialize<StackLayout>(System.IO.File.ReadAllText(path ?? RepoLayout.PathOf(File)), Json)
        ?? throw new InvalidOperationException($"{path ?? File} is empty");

    public AppPorts App(string appId) => Web is not null && Web.AppId == appId ? Web : Apps.Single(a => a.AppId == appId);

    /// <summary>The same layout with every port replaced by a free one (tests run beside a running local stack).</summary>
    public StackLayout WithPorts(Func<int> nextPort) => this with
    {
        Gateway = new GatewayPorts(nextPort(), nextPort(), nextPort()),
        Postgres = Postgres with { Port = nextPort() },
        Redis = new RedisSettings(nextPort()),
        Prometheus = Prometheus is null ? null : new PrometheusSettings(nextPort()),
        Apps = Apps.Select(a => a with { HttpPort = nextPort(), GrpcPort = nextPort(), DaprHttpPort = nextPort(), DaprGrpcPort = nextPort() }).ToList(),
        Web = Web is null ? null : Web with { HttpPort = nextPort(), GrpcPort = nextPort(), DaprHttpPort = nextPort(), DaprGrpcPort = nextPort() },
    };
}

/// <summary>The gateway's public REST and gRPC ports, and the one Prometheus scrapes it on (0: none).</summary>
public sealed record GatewayPorts(int HttpPort, int GrpcPort, int MetricsPort = 0);

public sealed record PostgresSettings(int Port, string Database, string User);

public sealed record RedisSettings(int Port);

/// <summary>Where `up.sh --with-monitoring` serves Prometheus (not 9090: Debian's own prometheus service may hold that).</summary>
public sealed record PrometheusSettings(int Port);

public sealed record AppPorts(string AppId, string Project, int HttpPort, int GrpcPort, int DaprHttpPort, int DaprGrpcPort);
