using Logistics.LocalStack;

namespace Logistics.Benchmarks;

/// <summary>
/// Processes a benchmark starts beside the stack (a probe sidecar, the pass-through proxy). Each benchmark stops its own
/// when it is done; the ones still running when the run ends early (Ctrl-C, SIGTERM) are stopped with the stack, since
/// they run in their own session and would outlive the program.
/// </summary>
public static class RunProcesses
{
    private static readonly List<ChildProcess> Running = [];

    /// <summary>Starts keeping <paramref name="process"/> for <see cref="StopAll"/>.</summary>
    public static ChildProcess Keep(ChildProcess process)
    {
        lock (Running) Running.Add(process);
        return process;
    }

    /// <summary>Stops the process and forgets it (so a later <see cref="StopAll"/> never signals a reused PID).</summary>
    public static void Stop(ChildProcess process, TimeSpan? grace = null)
    {
        process.Stop(grace);
        lock (Running) Running.Remove(process);
    }

    public static void StopAll()
    {
        ChildProcess[] running;
        lock (Running) running = [.. Running];
        foreach (var process in running) Stop(process, TimeSpan.FromSeconds(10));
    }
}
