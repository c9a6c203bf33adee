using System.Runtime.InteropServices;
using Logistics.Benchmarks;
using Logistics.LocalStack;
using Logistics.Testing;

// Starts the whole local stack on free ports (Release build), runs the benchmarks, prints a markdown table per
// benchmark with each figure beside its baseline from the same run, and writes the figures as JSON. Not a test:
// nothing here passes or fails. Usage and options: BENCHMARKS.md.
if (args.FirstOrDefault() == PassThroughProxy.Argument)
{
    await PassThroughProxy.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}
var options = BenchmarkOptions.Parse(args);
using var folder = new TempFolder();
var stack = new LocalStack(StackLayout.Load().WithPorts(FreePort.Distinct()), folder.Path, line => Console.Error.WriteLine("  " + line));
// The per-user rate limit would measure itself, not the gateway: lifted for the run.
stack.GatewaySettings["RateLimits__PerUser__TokenLimit"] = "100000000";
stack.GatewaySettings["RateLimits__PerUser__TokensPerPeriod"] = "100000000";
// --gateway Name=value,…: more gateway settings (environment variable names), to compare a gateway option on and off.
foreach (var setting in args.SkipWhile(a => a != "--gateway").Skip(1).FirstOrDefault()?.Split(',') ?? [])
    stack.GatewaySettings[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
// --services Name=value,…: settings for every service (environment variable names), to compare a service option on and off.
foreach (var setting in args.SkipWhile(a => a != "--services").Skip(1).FirstOrDefault()?.Split(',') ?? [])
    stack.ServiceSettings[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
var sections = new List<Section>();
// Every process of the run is stopped on the way out however the run ends: finished, a setup or a benchmark that throws
// (a stack that does not start, seeding that fails), or Ctrl-C / SIGTERM, which end the program without its finally.
var stopGate = new object();
var stopped = false;
void StopEverything()
{
    lock (stopGate)
    {
        if (stopped) return;
        stopped = true;
        RunProcesses.StopAll();
        stack.Stop();
        // The processes' logs outlive the run's temp folder, for a look at what a figure (or a failure) hides.
        var logs = RepoLayout.PathOf(".local/benchmark-logs");
        if (Directory.Exists(logs)) Directory.Delete(logs, recursive: true);
        if (Directory.Exists(stack.LogsDir))
        {
            Directory.CreateDirectory(logs);
            foreach (var file in Directory.GetFiles(stack.LogsDir)) File.Copy(file, Path.Combine(logs, Path.GetFileName(file)));
            Console.Error.WriteLine($"Logs of the run: {logs}");
        }
    }
}
string? interrupted = null;
void OnSignal(PosixSignalContext signal)
{
    interrupted = signal.Signal.ToString();
    Console.Error.WriteLine($"Benchmarks interrupted ({interrupted}): stopping every process of the run.");
    StopEverything();
    if (interrupted is null) Console.Error.WriteLine("Every process of the run is stopped.");
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
try
{
    Console.Error.WriteLine("Starting the stack:");
    await stack.StartAsync();
    await using var bench = await BenchmarkStack.CreateAsync(stack, folder);
    var benchmarks = new (int Number, Func<Task<Section>> Run)[]
    {
        (1, () => new ReservationBenchmark(bench, options).RunAsync()),
        (2, () => new FlowBenchmark(bench, options).RunAsync()),
        (3, () => new EventLagBenchmark(bench, options).RunAsync()),
        (4, () => new CustodyHistoryBenchmark(bench, options).RunAsync()),
        (5, () => new CountCloseBenchmark(bench, options).RunAsync()),
        (6, () => new ConsoleBenchmark(bench, options).RunAsync()),
        (7, () => new IdleCostBenchmark(bench).RunAsync()),
    };
    foreach (var (number, run) in benchmarks.Where(b => options.Only.Contains(b.Number)))
    {
        var section = await run();
        sections.Add(section);
        Console.Out.WriteLine(section.Markdown);
        Console.Out.Flush();
    }
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.JsonPath))!);
    await File.WriteAllTextAsync(options.JsonPath, Report.Json(sections, options));
    Console.Error.WriteLine($"Figures written to {options.JsonPath}");
    return 0;
}
catch (Exception e)
{
    // One clear line instead of an unhandled exception's dump; the finally below then stops the stack.
    // After an interruption the benchmark under way fails because its stack is gone: that is no news.
    if (interrupted is null) Console.Error.WriteLine($"Benchmarks failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    StopEverything();
    if (interrupted is null) Console.Error.WriteLine("Every process of the run is stopped.");
}
