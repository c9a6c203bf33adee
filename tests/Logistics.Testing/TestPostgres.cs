using Xunit;
using Logistics.LocalStack;
using Npgsql;

namespace Logistics.Testing;

/// <summary>A real PostgreSQL server for one test class (use as an xunit class or collection fixture).</summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    public PostgresServer Server { get; }

    public TestPostgres() => Server = new PostgresServer(_folder.Sub("pg"), FreePort.Next());

    public int Port => Server.Port;

    public async Task InitializeAsync()
    {
        await Server.StartAsync(_folder.Sub("postgres.log"));
    }

    /// <summary>A new empty database on this server; each test that needs isolation takes its own.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..12];
        await Server.EnsureDatabaseAsync(name);
        return Server.ConnectionString(name);
    }

    public NpgsqlDataSource DataSource(string connectionString) => NpgsqlDataSource.Create(connectionString);

    public Task DisposeAsync()
    {
        Server.Stop();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
