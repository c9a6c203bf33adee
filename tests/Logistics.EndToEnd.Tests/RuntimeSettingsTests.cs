using System.Text.Json;
using Logistics.LocalStack;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// What every server the stack runs ships in its runtimeconfig.json (docs/operations.md "Runtime settings of the
/// processes"): thread-pool workers that sleep when out of work instead of spinning, since many such processes share a
/// node's cores. A server project added outside the Web SDK, or the setting taken out, fails here.
/// </summary>
public sealed class RuntimeSettingsTests
{
    public static TheoryData<string> Servers()
    {
        var layout = StackLayout.Load();
        var projects = layout.Apps.Select(a => a.Project).Append(LocalStack.LocalStack.GatewayProject).Append(LocalStack.LocalStack.SidecarProject);
        if (layout.Web is not null) projects = projects.Append(layout.Web.Project);
        return [.. projects.Distinct()];
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_server_does_not_spin_for_work(string project)
    {
        var config = Path.ChangeExtension(RepoLayout.BuiltDll(project), ".runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spin),
            $"{config} does not set System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");
        Assert.Equal(0, spin.GetInt32());
    }
}
