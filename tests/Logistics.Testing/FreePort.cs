using System.Net;
using System.Net.Sockets;

namespace Logistics.Testing;

public static class FreePort
{
    /// <summary>A TCP port on loopback that nothing listens on right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A source of free ports that never hands out the same port twice.</summary>
    public static Func<int> Distinct()
    {
        var given = new HashSet<int>();
        return () =>
        {
            int port;
            do port = Next(); while (!given.Add(port));
            return port;
        };
    }
}
