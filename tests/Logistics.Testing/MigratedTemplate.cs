using Npgsql;

namespace Logistics.Testing;

/// <summary>
/// A migrated database to copy: migrations run once, and each <see cref="FreshAsync"/> is a CREATE DATABASE … TEMPLATE,
/// so a test that needs many fresh schemas (a replay per run) spends milliseconds, not a migration, on each.
/// </summary>
public sealed class MigratedTemplate(TestPostgres postgres, Func<string, Task> migrate)
{
    private readonly SemaphoreSlim _once = new(1);
    private string? _template;

    /// <summary>A connection string to a new database holding the migrated schema; the caller sets its search path.</summary>
    public async Task<string> FreshAsync()
    {
        var template = await TemplateAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var conn = new NpgsqlConnection(postgres.Server.ConnectionString() + ";Pooling=false");
        await conn.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", conn);
        await create.ExecuteNonQueryAsync();
        // A replay commits many small transactions; waiting for each to reach the disk proves nothing here.
        return new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString(name)) { Options = "-c synchronous_commit=off" }.ConnectionString;
    }

    private async Task<string> TemplateAsync()
    {
        await _once.WaitAsync();
        try
        {
            if (_template is not null) return _template;
            var connectionString = await postgres.CreateDatabaseAsync();
            // Unpooled, so no connection is left open on the template (a copy needs it to have none).
            await migrate(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            return _template = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        }
        finally
        {
            _once.Release();
        }
    }
}
