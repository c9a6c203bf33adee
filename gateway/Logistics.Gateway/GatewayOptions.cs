using System.Net;

namespace Logistics.Gateway;

/// <summary>Configuration section "Gateway": where the gateway listens and how large a request may be.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Loopback on the local stack; a pod sets 0.0.0.0.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>REST/JSON (and later the web console): HTTP/1.1.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>gRPC: HTTP/2 cleartext (h2c) only.</summary>
    public int GrpcPort { get; set; } = 8081;

    /// <summary>
    /// Prometheus scrapes the gateway's own metrics here (`/metrics`), apart from the public ports, which answer 404 for
    /// that path. 0 (the default): no metrics port.
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>Larger request bodies are refused with 413 before they reach a service.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// gRPC methods (by path) that may send more than <see cref="MaxRequestBodyBytes"/> in one call, in chunks of at most
    /// 1 MiB each (the services' message limit): an evidence upload carries a file of up to 10 MiB.
    /// </summary>
    public Dictionary<string, long> LargeGrpcUploads { get; set; } = [];

    public static GatewayOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<GatewayOptions>() ?? new GatewayOptions();
        if (!IPAddress.TryParse(options.BindAddress, out _))
            throw new InvalidOperationException($"Gateway:BindAddress '{options.BindAddress}' is not an IP address.");
        if (options.HttpPort is < 1 or > 65535 || options.GrpcPort is < 1 or > 65535 || options.HttpPort == options.GrpcPort)
            throw new InvalidOperationException(
                $"Gateway:HttpPort ({options.HttpPort}) and Gateway:GrpcPort ({options.GrpcPort}) must be two different ports.");
        if (options.MetricsPort is < 0 or > 65535 || (options.MetricsPort != 0 && (options.MetricsPort == options.HttpPort || options.MetricsPort == options.GrpcPort)))
            throw new InvalidOperationException(
                $"Gateway:MetricsPort ({options.MetricsPort}) must be 0 (none) or a port other than the HTTP and gRPC ports.");
        if (options.MaxRequestBodyBytes <= 0)
            throw new InvalidOperationException("Gateway:MaxRequestBodyBytes must be positive.");
        if (options.LargeGrpcUploads.Any(u => !u.Key.StartsWith('/') || u.Value <= 0))
            throw new InvalidOperationException("Gateway:LargeGrpcUploads maps a gRPC method's path (\"/package.Service/Method\") to a positive number of bytes.");
        return options;
    }
}
