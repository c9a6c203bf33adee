using System.Globalization;

namespace Logistics.Benchmarks;

/// <summary>
/// Benchmark 7: what an idle stack costs as centres are added. Nothing is requested; the stack is settled; then the CPU
/// time the inventory process and every Postgres process of the stack use over a quiet window (from /proc, in ticks of
/// 10 ms) is read at 10, 100 and 1,000 centres. A relay that polls every centre grows with the count; one that waits
/// for work should not.
/// </summary>
public sealed class IdleCostBenchmark(BenchmarkStack bench)
{
    private static readonly int[] Steps = [10, 100, 1_000];
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);

    public async Task<Section> RunAsync()
    {
        Console.Error.WriteLine("Benchmark 7: idle cost by number of centres");
        var rows = new List<string[]>();
        var figures = new List<object>();
        var made = 0;
        var together = double.NaN;
        foreach (var step in Steps)
        {
            Console.Error.WriteLine($"  {step} centres");
            for (; made < step; made++)
                await bench.SendAsync(HttpMethod.Put, $"/api/v1/centres/IDLE-{made:0000}", "bench-admin", "admin", new { name = $"Idle centre {made}", bins = new[] { "A-01" } });
            await bench.SettleAsync($"{step} centres");
            await Task.Delay(TimeSpan.FromSeconds(3)); // what the creation woke (events, catalogue copies) is done
            var (inventory, postgres) = await CpuOverAsync(Window);
            together = inventory + postgres;
            rows.Add([Markdown.Count(step), Percent(inventory), Percent(postgres), Percent(inventory + postgres)]);
            figures.Add(new { centres = step, inventoryCore = inventory, postgresCore = postgres });
        }
        return new Markdown("7. Idle cost by number of centres",
                $"No calls; the stack settled; then the CPU time of the inventory process and of every Postgres process of the stack over " +
                $"{Window.TotalSeconds:0} s, read from /proc (utime + stime), as a share of one core. Centres are added between rows (no stock moves at them).")
            .Table(["centres", "inventory (% of a core)", "Postgres (% of a core)", "together"], rows)
            .Table(["measure", "value", "target"],
            [
                ["idle, 1,000 centres, inventory + Postgres", Percent(together), Markdown.Target("≤ 2 % of a core", together <= 0.02)],
            ])
            .Done(new { windowSeconds = Window.TotalSeconds, steps = figures });
    }

    private static string Percent(double core) => (core * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>Shares of one core used by inventory and by Postgres (the postmaster and its children) over the window.</summary>
    private async Task<(double Inventory, double Postgres)> CpuOverAsync(TimeSpan window)
    {
        var inventoryPid = bench.Stack.Processes["inventory"].Pid;
        var postmaster = bench.Stack.Postgres.Process?.Pid ?? throw new InvalidOperationException("Postgres is not running");
        var before = (Inventory: ProcCpu.Ticks(inventoryPid), Postgres: PostgresTicks(postmaster));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(window);
        var after = (Inventory: ProcCpu.Ticks(inventoryPid), Postgres: PostgresTicks(postmaster));
        var seconds = clock.Elapsed.TotalSeconds;
        var postgres = after.Postgres.Sum(p => p.Value - before.Postgres.GetValueOrDefault(p.Key));
        return ((after.Inventory - before.Inventory) / 100.0 / seconds, postgres / 100.0 / seconds);
    }

    /// <summary>The postmaster's and its children's ticks (backends of the services, background workers), by pid.</summary>
    private static Dictionary<int, long> PostgresTicks(int postmaster)
    {
        var ticks = new Dictionary<int, long> { [postmaster] = ProcCpu.Ticks(postmaster) };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmaster) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster) ticks[pid] = ProcCpu.Ticks(pid);
            }
            catch (IOException) { } // ended between the listing and the read
        }
        return ticks;
    }
}
