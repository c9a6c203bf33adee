using System.Diagnostics;
using StackExchange.Redis;

namespace Logistics.LocalStack;

/// <summary>A private Redis server on loopback with AOF persistence (appendfsync everysec), data in its own folder.</summary>
public sealed class RedisServer
{
    public string DataDir { get; }
    public int Port { get; }
    public ChildProcess? Process { get; private set; }

    public RedisServer(string dataDir, int port)
    {
        DataDir = Path.GetFullPath(dataDir);
        Port = port;
    }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync(string logPath, CancellationToken ct = default)
    {
        Directory.CreateDirectory(DataDir);
        var redis = Tools.FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server not found: install it with `apt-get install redis-server` (tests/run.sh and deploy/local/up.sh do this).");
        Process = ChildProcess.Start("redis", redis,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", DataDir, "--appendonly", "yes",
             "--appendfsync", "everysec", "--save", "", "--protected-mode", "no", "--daemonize", "no"],
            logPath);
        await WaitReadyAsync(TimeSpan.FromSeconds(30), ct);
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var mux = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=1000,abortConnect=true,allowAdmin=true");
                var db = mux.GetDatabase();
                await db.PingAsync();
                // Loading the AOF after a restart answers LOADING until done.
                var info = await mux.GetServer(ConnectionString).InfoAsync("persistence");
                if (info.SelectMany(g => g).Any(kv => kv.Key == "loading" && kv.Value == "0")) return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or RedisConnectionException)
            {
                if (Process is not null && !Process.IsRunning)
                    throw new InvalidOperationException($"redis exited during start; log {Process.LogPath}:\n{Process.LogTail()}");
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"redis on port {Port} not ready after {timeout.TotalSeconds} s: {e.Message}");
            }
            await Task.Delay(50, ct);
        }
    }

    public void Stop() => Process?.Stop();
}
