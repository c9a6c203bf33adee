using System.Diagnostics;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Logistics.LocalStack;

/// <summary>
/// The whole system on one machine, on loopback: a private Postgres and Redis, one local Dapr sidecar per
/// service, the services and the gateway, each a process with its log in `{StateDir}/logs` and, for the
/// local stack, its PID in `{StateDir}/pids`. deploy/local/up.sh and the end-to-end tests both start it here.
/// </summary>
public sealed partial class LocalStack : IAsyncDisposable
{
    public const string SidecarProject = "deploy/sidecar/Logistics.LocalSidecar/Logistics.LocalSidecar.csproj";
    public const string GatewayProject = "gateway/Logistics.Gateway/Logistics.Gateway.csproj";

    private readonly Dictionary<string, ChildProcess> _processes = new();
    private readonly Action<string> _progress;
    private readonly bool _writePidFiles;

    public StackLayout Layout { get; }
    public string StateDir { get; }
    public string SigningKey { get; }
    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }

    /// <summary>
    /// Per app, new random tokens for this stack (Dapr's two tokens): the app API token the sidecar sends to its app
    /// (APP_API_TOKEN; the service refuses subscriber calls without it) and the Dapr API token the app sends to its
    /// sidecar (DAPR_API_TOKEN; the sidecar refuses API calls without it).
    /// </summary>
    public IReadOnlyDictionary<string, AppTokens> Tokens { get; }

    public LocalStack(StackLayout layout, string stateDir, Action<string>? progress = null, bool writePidFiles = false)
    {
        Layout = layout;
        StateDir = Path.GetFullPath(stateDir);
        _progress = progress ?? (_ => { });
        _writePidFiles = writePidFiles;
        Directory.CreateDirectory(StateDir);
        SigningKey = LoadOrCreateSigningKey(Path.Combine(StateDir, "signing-key"));
        Postgres = new PostgresServer(Path.Combine(StateDir, "postgres"), layout.Postgres.Port);
        Redis = new RedisServer(Path.Combine(StateDir, "redis"), layout.Redis.Port);
        Tokens = layout.Apps.Concat(layout.Web is null ? [] : [layout.Web]).ToDictionary(a => a.AppId, _ => AppTokens.New());
    }

    public string LogsDir => Path.Combine(StateDir, "logs");
    public string PidsDir => Path.Combine(StateDir, "pids");
    public string ComponentsDir => Path.Combine(StateDir, "components");
    public string GatewayHttp => $"http://127.0.0.1:{Layout.Gateway.HttpPort}";
    public string GatewayGrpc => $"http://127.0.0.1:{Layout.Gateway.GrpcPort}";
    public IReadOnlyDictionary<string, ChildProcess> Processes => _processes;

    /// <summary>Settings added to every service's environment (e.g. a test's clock offset file); set before starting.</summary>
    public Dictionary<string, string> ServiceSettings { get; } = new();

    /// <summary>Whether <see cref="StartAsync"/> starts the web console (with its sidecar) when the layout has one and the gateway starts.</summary>
    public bool StartsWeb { get; set; } = true;

    /// <summary>Settings added to the gateway's environment (e.g. a benchmark's rate limits); set before starting.</summary>
    public Dictionary<string, string> GatewaySettings { get; } = new();

    public string PostgresConnectionString => Postgres.ConnectionString(Layout.Postgres.Database);

    /// <summary>Starts everything (or only the named apps) and returns once every part answers its health check.</summary>
    public async Task StartAsync(IReadOnlyCollection<string>? onlyApps = null, bool gateway = true, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(LogsDir);
        await StartPostgresAsync(ct);
        await StartRedisAsync(ct);
        WriteComponents();

        var apps = Layout.Apps.Where(a => onlyApps is null || onlyApps.Contains(a.AppId)).ToList();
        foreach (var app in apps) StartService(app.AppId);
        foreach (var app in apps) StartSidecar(app.AppId);
        if (gateway && StartsWeb && Layout.Web is { } web)
        {
            StartWeb();
            StartSidecar(web.AppId);
        }
        if (gateway) StartGateway();
        await WaitAllHealthyAsync(_processes.Keys.Where(k => k is not "postgres" and not "redis").ToList(), ct);
        _progress($"all healthy after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Waits for every named process; the first one that fails (exits, or is not healthy in time) fails the start at once
    /// with its own error, instead of after every other wait ran out (a console waiting for a gateway that died took two
    /// minutes to give up).
    /// </summary>
    private async Task WaitAllHealthyAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waits = names.Select(async name =>
        {
            try
            {
                await WaitHealthyAsync(name, giveUp.Token);
            }
            catch
            {
                giveUp.Cancel();
                throw;
            }
        }).ToList();
        var all = Task.WhenAll(waits);
        try
        {
            await all;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && all.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } cause)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        }
    }

    public async Task StartPostgresAsync(CancellationToken ct = default)
    {
        _progress($"postgres   127.0.0.1:{Postgres.Port}  data {Postgres.DataDir}");
        // Tracked even when it never became ready or its database could not be made: it runs, so Stop must stop it.
        try
        {
            await Postgres.StartAsync(Path.Combine(LogsDir, "postgres.log"), ct);
            await Postgres.EnsureDatabaseAsync(Layout.Postgres.Database, ct);
        }
        finally
        {
            if (Postgres.Process is { } process) Track(process);
        }
    }

    public async Task StartRedisAsync(CancellationToken ct = default)
    {
        _progress($"redis      127.0.0.1:{Redis.Port}  data {Redis.DataDir} (AOF on)");
        try
        {
            await Redis.StartAsync(Path.Combine(LogsDir, "redis.log"), ct);
        }
        finally
        {
            if (Redis.Process is { } process) Track(process);
        }
    }

    /// <summary>Dapr component files for this stack: deploy/dapr/components with redisHost pointing at this stack's Redis.</summary>
    private void WriteComponents()
    {
        Directory.CreateDirectory(ComponentsDir);
        foreach (var file in Directory.GetFiles(RepoLayout.PathOf("deploy/dapr/components"), "*.yaml"))
        {
            var yaml = RedisHostValue().Replace(File.ReadAllText(file), m => $"{m.Groups[1].Value}\"127.0.0.1:{Redis.Port}\"");
            File.WriteAllText(Path.Combine(ComponentsDir, Path.GetFileName(file)), yaml);
        }
    }

    [GeneratedRegex(@"(-\s*name:\s*redisHost\s*\n\s*value:\s*)(\S+)")]
    private static partial Regex RedisHostValue();

    public ChildProcess StartService(string appId)
    {
        var app = Layout.App(appId);
        _progress($"{appId,-10} http 127.0.0.1:{app.HttpPort}  grpc 127.0.0.1:{app.GrpcPort}");
        var env = new Dictionary<string, string>
        {
            ["Ports__Http"] = app.HttpPort.ToString(),
            ["Ports__Grpc"] = app.GrpcPort.ToString(),
            ["ConnectionStrings__Postgres"] = PostgresConnectionString,
            ["ConnectionStrings__Redis"] = Redis.ConnectionString,
            ["Auth__SigningKey"] = SigningKey,
            ["Messaging__PubsubName"] = Layout.PubsubName,
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{app.DaprGrpcPort}",
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{app.DaprHttpPort}",
            ["APP_API_TOKEN"] = Tokens[appId].AppApiToken,
            ["DAPR_API_TOKEN"] = Tokens[appId].DaprApiToken,
            ["Grpc__Reflection"] = "true", // grpcurl against a service's own port; off by default everywhere else
            ["DOTNET_gcServer"] = "0", // thirteen processes share two cores: keep each one's heap small
        };
        foreach (var (name, value) in ServiceSettings) env[name] = value;
        return Track(ChildProcess.Start(appId, "dotnet", [RepoLayout.BuiltDll(app.Project)], Path.Combine(LogsDir, $"{appId}.log"), env,
            workingDirectory: Path.GetDirectoryName(RepoLayout.PathOf(app.Project))));
    }

    /// <summary>The web console: it calls the services through this stack's gateway, and subscribes through its own sidecar.</summary>
    public ChildProcess StartWeb()
    {
        var web = Layout.Web ?? throw new InvalidOperationException($"{StackLayout.File} names no web app");
        _progress($"{web.AppId,-10} http 127.0.0.1:{web.HttpPort}  (served by the gateway at {GatewayHttp}/)");
        var env = new Dictionary<string, string>
        {
            ["Ports__Http"] = web.HttpPort.ToString(),
            ["Gateway__Rest"] = GatewayHttp,
            ["Gateway__Grpc"] = GatewayGrpc,
            ["ConnectionStrings__Postgres"] = PostgresConnectionString, // the console's own schema (inbox marks)
            ["Auth__DevTokens__Enabled"] = "true", // /dev/sign-in, like the gateway's /dev/token: the local stack only
            ["Messaging__PubsubName"] = Layout.PubsubName,
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{web.DaprGrpcPort}",
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{web.DaprHttpPort}",
            ["APP_API_TOKEN"] = Tokens[web.AppId].AppApiToken,
            ["DAPR_API_TOKEN"] = Tokens[web.AppId].DaprApiToken,
            ["DOTNET_gcServer"] = "0",
        };
        return Track(ChildProcess.Start(web.AppId, "dotnet", [RepoLayout.BuiltDll(web.Project)], Path.Combine(LogsDir, $"{web.AppId}.log"), env,
            workingDirectory: Path.GetDirectoryName(RepoLayout.PathOf(web.Project))));
    }

    public ChildProcess StartSidecar(string appId)
    {
        var app = Layout.App(appId);
        return Track(StartSidecar(appId, app.HttpPort, app.DaprHttpPort, app.DaprGrpcPort, ComponentsDir, Tokens[appId]));
    }

    /// <summary>
    /// A sidecar for an app outside the layout (a benchmark's probe), logging next to the stack's; the caller stops it.
    /// Without <paramref name="tokens"/> it sends no app token and its APIs are open (daprd without the two variables).
    /// </summary>
    public ChildProcess StartSidecar(string appId, int appPort, int daprHttpPort, int daprGrpcPort, string componentsDir, AppTokens? tokens = null)
    {
        var env = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" };
        if (tokens is not null)
        {
            env["APP_API_TOKEN"] = tokens.AppApiToken;
            env["DAPR_API_TOKEN"] = tokens.DaprApiToken;
        }
        return ChildProcess.Start($"{appId}-sidecar", "dotnet",
            [RepoLayout.BuiltDll(SidecarProject), "--app-id", appId, "--app-port", appPort.ToString(),
             "--dapr-http-port", daprHttpPort.ToString(), "--dapr-grpc-port", daprGrpcPort.ToString(), "--resources-path", componentsDir],
            Path.Combine(LogsDir, $"{appId}-sidecar.log"), env);
    }

    public ChildProcess StartGateway()
    {
        _progress($"gateway    REST http://127.0.0.1:{Layout.Gateway.HttpPort}  gRPC h2c 127.0.0.1:{Layout.Gateway.GrpcPort}");
        var env = new Dictionary<string, string>
        {
            ["Gateway__HttpPort"] = Layout.Gateway.HttpPort.ToString(),
            ["Gateway__GrpcPort"] = Layout.Gateway.GrpcPort.ToString(),
            ["Gateway__MetricsPort"] = Layout.Gateway.MetricsPort.ToString(),
            ["Auth__SigningKey"] = SigningKey,
            ["Auth__DevTokens__Enabled"] = "true", // the local stack only; off by default everywhere else
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (name, value) in GatewaySettings) env[name] = value;
        // Cluster names contain '-', which the shell in front of the process drops from environment
        // variables, so the destinations go in as command-line configuration instead.
        var args = new List<string> { RepoLayout.BuiltDll(GatewayProject) };
        foreach (var app in Layout.Apps)
        {
            args.Add($"--ReverseProxy:Clusters:{app.AppId}-grpc:Destinations:main:Address=http://127.0.0.1:{app.GrpcPort}");
            args.Add($"--ReverseProxy:Clusters:{app.AppId}-http:Destinations:main:Address=http://127.0.0.1:{app.HttpPort}");
        }
        if (Layout.Web is { } web)
            args.Add($"--ReverseProxy:Clusters:{web.AppId}-http:Destinations:main:Address=http://127.0.0.1:{web.HttpPort}");
        return Track(ChildProcess.Start("gateway", "dotnet", args, Path.Combine(LogsDir, "gateway.log"), env,
            workingDirectory: Path.GetDirectoryName(RepoLayout.PathOf(GatewayProject))));
    }

    public const string PrometheusName = "prometheus";
    public const string PrometheusConfig = "deploy/monitoring/prometheus.yml";

    /// <summary>
    /// Debian's Prometheus on loopback, scraping the stack with <see cref="PrometheusConfig"/> (as written by
    /// <see cref="WritePrometheusConfig"/>) and evaluating its alert rules; its data under {StateDir}/prometheus.
    /// Returns once it is ready.
    /// </summary>
    public async Task StartPrometheusAsync(CancellationToken ct = default)
    {
        var port = Layout.Prometheus?.Port ?? throw new InvalidOperationException($"{StackLayout.File} names no prometheus port");
        var binary = Tools.FindOnPath("prometheus")
            ?? throw new InvalidOperationException("prometheus is not installed (Debian package prometheus; deploy/local/prereqs.sh installs it)");
        var data = Path.Combine(StateDir, "prometheus");
        Directory.CreateDirectory(data);
        _progress($"prometheus http://127.0.0.1:{port}  data {data}");
        var process = Track(ChildProcess.Start(PrometheusName, binary,
            [$"--config.file={WritePrometheusConfig()}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}"],
            Path.Combine(LogsDir, "prometheus.log")));
        await WaitHealthyAsync(process, $"http://127.0.0.1:{port}/-/ready", TimeSpan.FromSeconds(60), ct);
    }

    /// <summary>
    /// <see cref="PrometheusConfig"/> as this stack needs it, written to {StateDir}/prometheus.yml: every target port of
    /// deploy/stack.json replaced by this layout's (the same file when the layout is deploy/stack.json's; the tests run
    /// on free ports), the rule files by absolute path (Prometheus reads them relative to the config file).
    /// </summary>
    public string WritePrometheusConfig()
    {
        var standard = StackLayout.Load();
        var ports = new Dictionary<int, int> { [standard.Gateway.MetricsPort] = Layout.Gateway.MetricsPort };
        foreach (var app in standard.Apps.Concat(standard.Web is null ? [] : [standard.Web]))
            ports[app.HttpPort] = Layout.App(app.AppId).HttpPort;
        var config = ScrapeTarget().Replace(File.ReadAllText(RepoLayout.PathOf(PrometheusConfig)), m =>
            ports.TryGetValue(int.Parse(m.Groups[1].Value), out var port)
                ? $"127.0.0.1:{port}"
                : throw new InvalidOperationException($"{PrometheusConfig} scrapes {m.Value}, which is no metrics port of {StackLayout.File}"));
        var rules = Path.GetDirectoryName(RepoLayout.PathOf(PrometheusConfig))!;
        config = RuleFile().Replace(config, m => $"{m.Groups[1].Value}{Path.Combine(rules, m.Groups[2].Value)}");
        var path = Path.Combine(StateDir, "prometheus.yml");
        File.WriteAllText(path, config);
        return path;
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex ScrapeTarget();

    /// <summary>An entry of rule_files (the only list items of the file that start with `rules/`).</summary>
    [GeneratedRegex(@"(?m)^(\s*-\s*)(rules/\S+)")]
    private static partial Regex RuleFile();

    private ChildProcess Track(ChildProcess process)
    {
        _processes[process.Name] = process;
        if (_writePidFiles)
        {
            Directory.CreateDirectory(PidsDir);
            File.WriteAllText(Path.Combine(PidsDir, process.Name + ".pid"), process.Pid.ToString());
        }
        return process;
    }

    /// <summary>The URL whose 2xx answer means the named process is ready.</summary>
    public string HealthUrl(string name)
    {
        if (name == "gateway") return $"{GatewayHttp}/readyz";
        if (name.EndsWith("-sidecar", StringComparison.Ordinal))
            return $"http://127.0.0.1:{Layout.App(name[..^"-sidecar".Length]).DaprHttpPort}/v1.0/healthz";
        return $"http://127.0.0.1:{Layout.App(name).HttpPort}/readyz";
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public Task WaitHealthyAsync(string name, CancellationToken ct = default, TimeSpan? timeout = null) =>
        WaitHealthyAsync(_processes[name], HealthUrl(name), timeout ?? TimeSpan.FromSeconds(120), ct);

    /// <summary>Waits until <paramref name="url"/> answers 2xx; fails at once, with the log's tail, if the process exits.</summary>
    public static async Task WaitHealthyAsync(ChildProcess process, string url, TimeSpan limit, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!process.IsRunning)
                throw new InvalidOperationException($"{process.Name} exited during start; last lines of {process.LogPath}:\n{process.LogTail()}");
            try
            {
                using var response = await Http.GetAsync(url, ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { }
            if (clock.Elapsed > limit)
                throw new TimeoutException($"{process.Name} not healthy at {url} after {limit.TotalSeconds} s; last lines of {process.LogPath}:\n{process.LogTail()}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>kill -9 one process (crash tests).</summary>
    public void Kill(string name) => _processes[name].Kill();

    /// <summary>
    /// Starts processes of the stack again after they were killed or stopped, and waits until they are healthy.
    /// Name a service together with its sidecar when both were down: a sidecar is healthy only once its app answers.
    /// </summary>
    public async Task RestartAsync(params string[] names)
    {
        foreach (var name in names)
        {
            // Postgres and Redis stop their own way (a fast shutdown: SIGTERM would make Postgres wait for every pooled client).
            if (name is not "postgres" and not "redis" && _processes.TryGetValue(name, out var old) && old.IsRunning) old.Stop();
            switch (name)
            {
                case "postgres": Postgres.Stop(); await StartPostgresAsync(); break;
                case "redis": Redis.Stop(); await StartRedisAsync(); break;
                case "gateway": StartGateway(); break;
                default:
                    if (name.EndsWith("-sidecar", StringComparison.Ordinal)) StartSidecar(name[..^"-sidecar".Length]);
                    else if (name == Layout.Web?.AppId) StartWeb();
                    else StartService(name);
                    break;
            }
        }
        await Task.WhenAll(names.Where(n => n is not "postgres" and not "redis").Select(n => WaitHealthyAsync(n)));
    }

    /// <summary>Stops every process this stack started, by PID: gateway and services first, the databases last.</summary>
    public void Stop()
    {
        foreach (var name in StopOrder(_processes.Keys)) Stop(name, _processes[name].Pid);
        _processes.Clear();
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> StopOrder(IEnumerable<string> names) =>
        names.OrderBy(n => n switch { "gateway" => 0, "postgres" => 4, "redis" => 3, _ when n.EndsWith("-sidecar", StringComparison.Ordinal) => 2, _ => 1 });

    private static void Stop(string name, int pid)
    {
        if (!ProcessTable.IsRunning(pid)) return;
        // Postgres takes SIGINT as "fast shutdown"; everything else shuts down cleanly on SIGTERM.
        ProcessTable.Signal(pid, name == "postgres" ? 2 : ProcessTable.SigTerm);
        if (!ProcessTable.WaitForExit(pid, TimeSpan.FromSeconds(20))) ProcessTable.Signal(pid, ProcessTable.SigKill);
        ProcessTable.WaitForExit(pid, TimeSpan.FromSeconds(5));
    }

    /// <summary>Stops what `up` started, from the PID files it left (deploy/local/down.sh).</summary>
    public static IReadOnlyList<string> StopFromPidFiles(string stateDir)
    {
        var pids = Path.Combine(stateDir, "pids");
        if (!Directory.Exists(pids)) return [];
        var entries = Directory.GetFiles(pids, "*.pid")
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f), File: f, Pid: int.TryParse(File.ReadAllText(f).Trim(), out var p) ? p : 0))
            .ToDictionary(e => e.Name);
        var stopped = new List<string>();
        foreach (var name in StopOrder(entries.Keys))
        {
            var entry = entries[name];
            if (ProcessTable.IsRunning(entry.Pid) && IsOurs(entry.Pid, name))
            {
                Stop(name, entry.Pid);
                stopped.Add(name);
            }
            File.Delete(entry.File);
        }
        return stopped;
    }

    /// <summary>Guards against a PID reused by an unrelated process since `up` wrote the file.</summary>
    private static bool IsOurs(int pid, string name)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return name switch
            {
                "postgres" => cmdline.Contains("postgres", StringComparison.Ordinal),
                "redis" => cmdline.Contains("redis-server", StringComparison.Ordinal),
                PrometheusName => cmdline.Contains("prometheus", StringComparison.Ordinal),
                _ => cmdline.Contains("Logistics.", StringComparison.Ordinal),
            };
        }
        catch (IOException) { return false; }
    }

    /// <summary>The names from the PID files whose process is still alive.</summary>
    public static IReadOnlyList<string> Running(string stateDir)
    {
        var pids = Path.Combine(stateDir, "pids");
        if (!Directory.Exists(pids)) return [];
        return Directory.GetFiles(pids, "*.pid")
            .Where(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) && ProcessTable.IsRunning(pid) && IsOurs(pid, Path.GetFileNameWithoutExtension(f)))
            .Select(Path.GetFileNameWithoutExtension).ToList()!;
    }

    private static string LoadOrCreateSigningKey(string path)
    {
        // Kept across restarts of the local stack so tokens stay valid; never committed (.local/ is ignored).
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        File.WriteAllText(path, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
