using System.Diagnostics;
using Npgsql;

namespace Logistics.LocalStack;

/// <summary>
/// A private PostgreSQL server on loopback: initdb on first use, trust auth on 127.0.0.1 only,
/// no Unix socket. Postgres refuses to run as root, so as root it runs as the `postgres` user on a
/// data folder that user owns.
/// </summary>
public sealed class PostgresServer
{
    public const string SuperUser = "postgres";

    public string DataDir { get; }
    public int Port { get; }
    public ChildProcess? Process { get; private set; }

    public PostgresServer(string dataDir, int port)
    {
        DataDir = Path.GetFullPath(dataDir);
        Port = port;
    }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database,
            Pooling = true, Timeout = 5,
        }.ConnectionString;

    public static string BinDir()
    {
        var onPath = Tools.FindOnPath("postgres");
        if (onPath is not null) return Path.GetDirectoryName(Tools.ResolveLinks(onPath))!;
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")))
            : null;
        return debian ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found: install them with `apt-get install postgresql` (tests/run.sh and deploy/local/up.sh do this).");
    }

    private static string? RunAs => Tools.IsRoot ? SuperUser : null;

    public async Task StartAsync(string logPath, CancellationToken ct = default)
    {
        var bin = BinDir();
        if (!File.Exists(Path.Combine(DataDir, "PG_VERSION")))
        {
            Directory.CreateDirectory(DataDir);
            Tools.GiveTo(DataDir, RunAs);
            await Tools.RunAsync(Path.Combine(bin, "initdb"),
                ["-D", DataDir, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--no-instructions", "--no-sync"],
                RunAs, ct);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        File.AppendAllText(logPath, "");
        Tools.GiveTo(logPath, RunAs, recursive: false); // the server itself appends to it
        Process = ChildProcess.Start("postgres", Path.Combine(bin, "postgres"),
            ["-D", DataDir, "-p", Port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
             "-c", "fsync=on", "-c", "max_connections=200", "-c", "shared_buffers=128MB"],
            logPath, runAsUser: RunAs);
        await WaitReadyAsync(TimeSpan.FromSeconds(60), ct);
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                await conn.OpenAsync(ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (Process is not null && !Process.IsRunning)
                    throw new InvalidOperationException($"postgres exited during start; log {Process.LogPath}:\n{Process.LogTail()}");
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"postgres on port {Port} not ready after {timeout.TotalSeconds} s: {e.Message}");
                await Task.Delay(100, ct);
            }
        }
    }

    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Fast shutdown (SIGINT to the postmaster, which ends its own workers).</summary>
    public void Stop()
    {
        if (Process is null || !Process.IsRunning) return;
        ProcessTable.Signal(Process.Pid, 2);
        if (!ProcessTable.WaitForExit(Process.Pid, TimeSpan.FromSeconds(30))) Process.Kill();
    }
}
