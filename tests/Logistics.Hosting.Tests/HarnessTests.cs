using Logistics.LocalStack;
using Logistics.Testing;
using Npgsql;

namespace Logistics.Hosting.Tests;

public sealed class HarnessTests
{
    [Fact]
    public async Task Postgres_and_redis_start_answer_and_stop_leaving_no_process()
    {
        var pg = new TestPostgres();
        var redis = new TestRedis();
        try
        {
            await pg.InitializeAsync();
            await redis.InitializeAsync();

            await using (var conn = new NpgsqlConnection(await pg.CreateDatabaseAsync()))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", conn);
                Assert.True((int)(await cmd.ExecuteScalarAsync())! >= 150000);
            }
            await using (var mux = await redis.ConnectAsync())
            {
                await mux.GetDatabase().StringSetAsync("k", "v");
                var aof = await mux.GetServer(redis.ConnectionString).ConfigGetAsync("appendonly");
                Assert.Equal("yes", aof.Single().Value);
            }
            await redis.RestartAsync();
            await using (var mux = await redis.ConnectAsync())
                Assert.Equal("v", (string?)await mux.GetDatabase().StringGetAsync("k")); // AOF survived the restart
        }
        finally
        {
            await pg.DisposeAsync();
            await redis.DisposeAsync();
        }
        Assert.False(ProcessTable.IsRunning(pg.Server.Process!.Pid));
        Assert.False(ProcessTable.IsRunning(redis.Server.Process!.Pid));
    }
}
