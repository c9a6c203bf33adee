using System.Diagnostics;
using Logistics.LocalStack;
using Logistics.Testing;
using YamlDotNet.RepresentationModel;

namespace Logistics.Sidecar.Tests;

/// <summary>
/// deploy/monitoring: the alert rules are valid and fire (and stay quiet) on the recorded series of their promtool unit
/// tests; the local Prometheus scrapes the ports of deploy/stack.json. promtool comes with Debian's prometheus package
/// (deploy/local/prereqs.sh installs it).
/// </summary>
public sealed class MonitoringFilesTests
{
    private const string Folder = "deploy/monitoring";

    [Fact]
    public async Task The_alert_rules_are_valid()
    {
        var (code, output) = await PromtoolAsync("check", "rules", "rules/logistics.yml");
        Assert.True(code == 0, $"promtool check rules failed:\n{output}");
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task Every_alert_fires_on_its_recorded_series_and_stays_quiet_on_the_others()
    {
        var (code, output) = await PromtoolAsync("test", "rules", "tests/logistics_test.yml");
        Assert.True(code == 0, $"promtool test rules failed:\n{output}");

        // Each alert has a unit test that expects it to fire and one moment that expects it quiet.
        var tested = Yaml("tests/logistics_test.yml").Children[new YamlScalarNode("tests")].AllNodes.OfType<YamlMappingNode>()
            .Where(n => n.Children.ContainsKey(new YamlScalarNode("alertname")))
            .Select(n => (Alert: n.Children[new YamlScalarNode("alertname")].ToString(), Fires: ((YamlSequenceNode)n.Children[new YamlScalarNode("exp_alerts")]).Children.Count > 0))
            .ToList();
        foreach (var alert in AlertNames())
        {
            Assert.True(tested.Contains((alert, true)), $"{alert}: no test expects it to fire");
            Assert.True(tested.Contains((alert, false)), $"{alert}: no test expects it quiet");
        }
    }

    [Fact]
    public async Task The_local_prometheus_config_is_valid_and_scrapes_every_service_the_console_and_the_gateway_metrics_port()
    {
        var (code, output) = await PromtoolAsync("check", "config", "prometheus.yml");
        Assert.True(code == 0, $"promtool check config failed:\n{output}");

        var stack = StackLayout.Load();
        Assert.NotEqual(0, stack.Gateway.MetricsPort);
        var web = stack.Web ?? throw new InvalidOperationException("deploy/stack.json names no web console");
        var expected = stack.Apps.Select(a => (a.AppId, $"127.0.0.1:{a.HttpPort}")).Append((web.AppId, $"127.0.0.1:{web.HttpPort}"))
            .Append(("gateway", $"127.0.0.1:{stack.Gateway.MetricsPort}"))
            .Order().ToList();
        var job = Assert.Single(((YamlSequenceNode)Yaml("prometheus.yml").Children[new YamlScalarNode("scrape_configs")]).Children.Cast<YamlMappingNode>());
        var targets = ((YamlSequenceNode)job.Children[new YamlScalarNode("static_configs")]).Children.Cast<YamlMappingNode>()
            .SelectMany(c => ((YamlSequenceNode)c.Children[new YamlScalarNode("targets")]).Children
                .Select(t => (((YamlMappingNode)c.Children[new YamlScalarNode("labels")]).Children[new YamlScalarNode("service")].ToString(), t.ToString())))
            .Order().ToList();
        Assert.Equal(expected, targets);
    }

    [Fact]
    public async Task The_launcher_writes_the_config_with_its_stacks_ports_and_the_rules_by_absolute_path()
    {
        using var folder = new TempFolder();
        var layout = StackLayout.Load().WithPorts(FreePort.Distinct());
        var path = new LocalStack.LocalStack(layout, folder.Sub("state")).WritePrometheusConfig();

        var (code, output) = await PromtoolAsync("check", "config", path); // from deploy/monitoring: the rule path must not depend on it
        Assert.True(code == 0, $"promtool check config failed on the written config:\n{output}");
        var written = File.ReadAllText(path);
        foreach (var port in layout.Apps.Select(a => a.HttpPort).Append(layout.Web!.HttpPort).Append(layout.Gateway.MetricsPort))
            Assert.Contains($"\"127.0.0.1:{port}\"", written);
        var standard = StackLayout.Load();
        Assert.DoesNotContain($"127.0.0.1:{standard.Apps[0].HttpPort}\"", written);
        Assert.Contains($"- {RepoLayout.PathOf($"{Folder}/rules")}/*.yml", written);
    }

    private static IEnumerable<string> AlertNames() =>
        Yaml("rules/logistics.yml").Children[new YamlScalarNode("groups")].AllNodes.OfType<YamlMappingNode>()
            .Where(n => n.Children.ContainsKey(new YamlScalarNode("alert")))
            .Select(n => n.Children[new YamlScalarNode("alert")].ToString());

    private static YamlMappingNode Yaml(string relative)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoLayout.PathOf($"{Folder}/{relative}"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var info = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = RepoLayout.PathOf(Folder), UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
