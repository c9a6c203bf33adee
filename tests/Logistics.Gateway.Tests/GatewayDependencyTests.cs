using System.Reflection;
using System.Text.Json;
using Logistics.Gateway;
using Logistics.LocalStack;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The gateway takes only the hosting library (ports, telemetry, auth, health), never the data or messaging ones: it
/// opens no database, no Redis and no Dapr sidecar, so it carries none of their clients.
/// </summary>
public sealed class GatewayDependencyTests
{
    private static readonly string[] Forbidden = ["Npgsql", "StackExchange.Redis", "Dapr", "Logistics.Hosting.Data", "Logistics.Hosting.Messaging"];

    [Fact]
    public void The_gateways_build_lists_no_database_redis_or_dapr_library()
    {
        // The gateway's own deps.json (next to its built dll): every package and project a publish of it ships.
        var depsFile = Path.ChangeExtension(RepoLayout.BuiltDll("gateway/Logistics.Gateway/Logistics.Gateway.csproj"), ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name[..l.Name.IndexOf('/')]).ToList();

        // What it must have, so that the file read is the gateway's and complete.
        Assert.Contains("Yarp.ReverseProxy", libraries);
        Assert.Contains("Logistics.Hosting", libraries);
        Assert.All(libraries, name => Assert.False(Forbidden.Any(f => IsOrUnder(name, f)), $"{depsFile} lists {name}"));
    }

    [Fact]
    public void No_assembly_the_gateway_references_reaches_a_database_redis_or_dapr_library()
    {
        // The compiled references, followed through every Logistics assembly (the packages' own references are theirs).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([typeof(GatewayApp).Assembly]);
        while (queue.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                var name = reference.Name!;
                Assert.False(Forbidden.Any(f => IsOrUnder(name, f)), $"{assembly.GetName().Name} references {name}");
                if (seen.Add(name) && name.StartsWith("Logistics.", StringComparison.Ordinal)) queue.Enqueue(Assembly.Load(reference));
            }
        }
        Assert.Contains("Logistics.Hosting", seen);
    }

    private static bool IsOrUnder(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);
}
