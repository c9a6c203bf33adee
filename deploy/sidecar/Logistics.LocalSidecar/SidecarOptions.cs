namespace Logistics.LocalSidecar;

/// <summary>The command line, spelled like daprd's flags.</summary>
public sealed record SidecarOptions(
    string AppId,
    int? AppPort,
    string AppChannelAddress,
    int HttpPort,
    int GrpcPort,
    string ResourcesPath,
    LogLevel LogLevel)
{
    public const string Usage =
        "usage: Logistics.LocalSidecar --app-id <id> [--app-port <port>] [--dapr-http-port 3500] [--dapr-grpc-port 50001]\n" +
        "       --resources-path <folder> [--app-channel-address 127.0.0.1] [--log-level debug|info|warn|error]";

    public string AppBaseAddress => $"http://{AppChannelAddress}:{AppPort}";

    /// <summary>daprd's APP_API_TOKEN: sent as dapr-api-token on every call to the app.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>daprd's DAPR_API_TOKEN: when set, every call to the sidecar's APIs (health aside) must carry it as dapr-api-token.</summary>
    public string? DaprApiToken { get; init; }

    public static SidecarOptions Parse(IReadOnlyList<string> args, Action<string> warn)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-')) throw new ArgumentException($"unexpected argument '{arg}'\n{Usage}");
            var name = arg.TrimStart('-');
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = "true";
            }
            values[name] = value;
        }

        string? Take(string name)
        {
            if (!values.Remove(name, out var v)) return null;
            return v;
        }

        var appId = Take("app-id") ?? throw new ArgumentException($"--app-id is required\n{Usage}");
        // --components-path is daprd's older name for the same folder.
        var resources = Take("resources-path") ?? Take("components-path")
            ?? throw new ArgumentException($"--resources-path is required\n{Usage}");
        var appPort = Take("app-port");
        var protocol = Take("app-protocol") ?? "http";
        if (protocol != "http") throw new ArgumentException($"--app-protocol {protocol} is not supported (http only)");

        var options = new SidecarOptions(
            AppId: appId,
            AppPort: appPort is null ? null : Port(appPort, "app-port"),
            AppChannelAddress: Take("app-channel-address") ?? "127.0.0.1",
            HttpPort: Port(Take("dapr-http-port") ?? "3500", "dapr-http-port"),
            GrpcPort: Port(Take("dapr-grpc-port") ?? "50001", "dapr-grpc-port"),
            ResourcesPath: Path.GetFullPath(resources),
            LogLevel: ParseLogLevel(Take("log-level") ?? "info"))
        {
            // From the environment, as daprd reads them (never from the command line, where any user sees them).
            AppApiToken = NullIfEmpty(Environment.GetEnvironmentVariable("APP_API_TOKEN")),
            DaprApiToken = NullIfEmpty(Environment.GetEnvironmentVariable("DAPR_API_TOKEN")),
        };

        // daprd has many more flags (metrics, placement, mTLS...); `dapr run` passes some of them. They have no meaning here.
        foreach (var ignored in values.Keys) warn($"ignoring unsupported flag --{ignored}");
        return options;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static int Port(string value, string flag) =>
        int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"--{flag}: '{value}' is not a port");

    private static LogLevel ParseLogLevel(string value) => value switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => throw new ArgumentException($"--log-level: '{value}' is not one of debug, info, warn, error, fatal"),
    };
}
