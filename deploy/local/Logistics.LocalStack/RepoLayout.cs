namespace Logistics.LocalStack;

/// <summary>Where things are in the repository, and where the build put each program.</summary>
public static class RepoLayout
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The folder holding Logistics.sln, found by walking up from this program's folder.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Logistics.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Logistics.sln not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>
    /// The built entry assembly of a project (path relative to the root, e.g. "services/Requests/Logistics.Requests.csproj"),
    /// in the same configuration as this launcher. Fails with the build command to run when it is missing.
    /// </summary>
    public static string BuiltDll(string projectPath)
    {
        var project = PathOf(projectPath);
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", Configuration, "net10.0",
            Path.GetFileNameWithoutExtension(project) + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is not built; run `dotnet build Logistics.sln -c {Configuration}` first.", dll);
        return dll;
    }
}
