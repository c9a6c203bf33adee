using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Logistics.Testing;

/// <summary>
/// One service hosted in-process for a test class (an xunit class fixture): its own Postgres (and Redis when it keeps
/// stock there) and the service on them. Each service's tests declare theirs in one line, e.g.
/// <c>public sealed class InventoryHost() : ServiceFixture(InventoryApp.Build, typeof(InventoryApp), "Inventory", "inventory", redis: true);</c>
/// </summary>
public abstract class ServiceFixture(
    Func<string[], IReadOnlyDictionary<string, string?>, WebApplication> build, Type serviceType, string folder, string schema, bool redis = false,
    IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private readonly Assembly _assembly = serviceType.Assembly;

    public TestPostgres Postgres { get; } = new();
    public TestRedis? Redis { get; } = redis ? new TestRedis() : null;
    public ServiceHost Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Postgres.InitializeAsync(), Redis?.InitializeAsync() ?? Task.CompletedTask);
        Service = await ServiceHost.StartAsync(build, _assembly, folder, schema, Postgres, Redis, settings);
    }

    public async Task DisposeAsync()
    {
        if (Service is not null) await Service.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
