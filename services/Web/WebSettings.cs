namespace Logistics.Web;

/// <summary>Where the console listens and where it finds the gateway; config sections `Web` and `Gateway`.</summary>
public sealed record WebSettings(string BindAddress, int HttpPort, Uri GatewayRest, Uri GatewayGrpc, bool DevSignIn)
{
    public static WebSettings From(IConfiguration configuration) => new(
        configuration["Ports:Host"] ?? "127.0.0.1",
        configuration.GetValue<int?>("Ports:Http")
            ?? throw new InvalidOperationException("Ports:Http is not set (env Ports__Http): the console's HTTP port"),
        new Uri(configuration["Gateway:Rest"] ?? "http://127.0.0.1:8080"),
        new Uri(configuration["Gateway:Grpc"] ?? "http://127.0.0.1:8081"),
        // The same setting that turns the gateway's /dev/token on; off unless the local stack sets it.
        configuration.GetValue("Auth:DevTokens:Enabled", false));
}
