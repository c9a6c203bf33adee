using System.Diagnostics;

namespace Logistics.LocalStack;

internal static class Tools
{
    public static bool IsRoot => Environment.UserName == "root";

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    public static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    /// <summary>Hands a folder to a user (chown), so a server that must not run as root can write in it.</summary>
    public static void GiveTo(string dir, string? user, bool recursive = true)
    {
        if (user is null) return;
        var args = recursive ? new[] { "-R", $"{user}:", dir } : [$"{user}:", dir];
        RunAsync("chown", args, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public static async Task RunAsync(string file, IEnumerable<string> args, string? runAsUser, CancellationToken ct)
    {
        var info = new ProcessStartInfo(runAsUser is null ? file : "setpriv")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (runAsUser is not null)
        {
            foreach (var a in new[] { $"--reuid={runAsUser}", $"--regid={runAsUser}", "--init-groups", "--", file }) info.ArgumentList.Add(a);
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
