namespace Logistics.Hosting;

/// <summary>Limits of the services' own ports, the same as the gateway's (Gateway:MaxRequestBodyBytes), so a caller that
/// reaches a service port directly cannot send more than one through the gateway could.</summary>
public static class ServiceLimits
{
    /// <summary>1 MiB: the largest request body (REST) or gRPC message a service reads.</summary>
    public const int MaxRequestBodyBytes = 1024 * 1024;
}
