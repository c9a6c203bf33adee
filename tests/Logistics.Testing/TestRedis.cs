using Xunit;
using Logistics.LocalStack;
using StackExchange.Redis;

namespace Logistics.Testing;

/// <summary>A real Redis server (AOF on) for one test class; Restart() keeps its data folder, as a Redis restart would.</summary>
public sealed class TestRedis : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    public RedisServer Server { get; }

    public TestRedis() => Server = new RedisServer(_folder.Sub("redis"), FreePort.Next());

    public string ConnectionString => Server.ConnectionString;

    public Task InitializeAsync() => Server.StartAsync(_folder.Sub("redis.log"));

    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{ConnectionString},abortConnect=false,allowAdmin=true");

    /// <summary>Stops Redis (SIGTERM, so AOF is flushed) and starts it again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        Server.Stop();
        await Server.StartAsync(_folder.Sub("redis.log"));
    }

    public Task DisposeAsync()
    {
        Server.Stop();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
