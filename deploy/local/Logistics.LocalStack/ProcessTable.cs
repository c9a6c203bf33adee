using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Logistics.LocalStack;

/// <summary>Signals and liveness by PID (our children are re-parented by setsid, so Process.WaitForExit cannot see them).</summary>
public static partial class ProcessTable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    public static void Signal(int pid, int signal) => SysKill(pid, signal);

    /// <summary>True while the PID names a live process (a zombie, which has exited, counts as gone).</summary>
    public static bool IsRunning(int pid)
    {
        if (pid <= 0 || SysKill(pid, 0) != 0) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (IsRunning(pid))
        {
            if (clock.Elapsed > timeout) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
