using System.Globalization;

namespace Logistics.Benchmarks;

/// <summary>CPU time from /proc, in clock ticks (USER_HZ, 100 a second on Linux): of one process, and of the machine.</summary>
public static class ProcCpu
{
    /// <summary>utime + stime of a process.</summary>
    public static long Ticks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the name may hold spaces; fields after it start at 3
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>The machine's busy and total ticks over all cores (the first line of /proc/stat).</summary>
    public static (long Busy, long Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum(); // user nice system idle iowait irq softirq steal (guest time is inside user)
        return (total - idle, total);
    }
}
