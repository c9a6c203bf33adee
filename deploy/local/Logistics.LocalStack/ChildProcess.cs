using System.Diagnostics;

namespace Logistics.LocalStack;

/// <summary>
/// A process started by the launcher or the test harness. It runs in its own session (setsid) with
/// stdout and stderr appended to a log file, so it outlives the launcher that started it and a
/// Ctrl-C in the launcher's terminal does not reach it. It is stopped by its own PID only.
/// </summary>
public sealed class ChildProcess
{
    public string Name { get; }
    public int Pid { get; }
    public string LogPath { get; }

    public ChildProcess(string name, int pid, string logPath)
    {
        Name = name;
        Pid = pid;
        LogPath = logPath;
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string logPath,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? runAsUser = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        // setsid and exec keep the PID we get the PID of the real program: no wrapper process stays behind.
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        if (runAsUser is not null)
        {
            // setpriv execs in place (runuser would fork and keep a parent between us and the program).
            info.ArgumentList.Add("setpriv");
            info.ArgumentList.Add($"--reuid={runAsUser}");
            info.ArgumentList.Add($"--regid={runAsUser}");
            info.ArgumentList.Add("--init-groups");
            info.ArgumentList.Add("--");
        }
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LOCALSTACK_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add(fileName);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["LOCALSTACK_LOG"] = logPath;
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name} ({fileName})");
        return new ChildProcess(name, process.Id, logPath);
    }

    public bool IsRunning => ProcessTable.IsRunning(Pid);

    /// <summary>kill -9: the process gets no chance to clean up (crash tests).</summary>
    public void Kill(TimeSpan? wait = null)
    {
        ProcessTable.Signal(Pid, ProcessTable.SigKill);
        ProcessTable.WaitForExit(Pid, wait ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM, then SIGKILL if it is still running after the grace period.</summary>
    public void Stop(TimeSpan? grace = null)
    {
        if (!IsRunning) return;
        ProcessTable.Signal(Pid, ProcessTable.SigTerm);
        if (!ProcessTable.WaitForExit(Pid, grace ?? TimeSpan.FromSeconds(15))) Kill();
    }

    public string ReadLog()
    {
        if (!File.Exists(LogPath)) return "";
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public string LogTail(int lines = 40) => string.Join('\n', ReadLog().Split('\n').TakeLast(lines));
}
