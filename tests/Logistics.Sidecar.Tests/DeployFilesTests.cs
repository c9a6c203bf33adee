using Logistics.LocalStack;
using Logistics.Sidecar.Tests.Harness;
using YamlDotNet.RepresentationModel;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>deploy/dapr holds the files for real daprd; the local sidecar must read the same ones.</summary>
public sealed class DeployFilesTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    [Fact]
    public void The_dapr_run_file_gives_every_app_the_ports_of_the_stack_layout()
    {
        // `dapr run -f deploy/dapr/dapr.yaml` and the local stack must agree: the app ids and ports of deploy/stack.json.
        var stack = StackLayout.Load();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoLayout.PathOf("deploy/dapr/dapr.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("1", root["version"].ToString());
        Assert.Equal("./components", root["common"]["resourcesPath"].ToString());

        var apps = ((YamlSequenceNode)root["apps"]).Cast<YamlMappingNode>().ToList();
        Assert.Equal(stack.Apps.Select(a => a.AppId), apps.Select(a => a["appID"].ToString()));
        foreach (var (layout, app) in stack.Apps.Zip(apps))
        {
            Assert.Equal(layout.HttpPort.ToString(), app["appPort"].ToString());
            Assert.Equal(layout.DaprHttpPort.ToString(), app["daprHTTPPort"].ToString());
            Assert.Equal(layout.DaprGrpcPort.ToString(), app["daprGRPCPort"].ToString());
            Assert.Equal(layout.HttpPort.ToString(), app["env"]["Ports__Http"].ToString());
            Assert.Equal(layout.GrpcPort.ToString(), app["env"]["Ports__Grpc"].ToString());
            Assert.Equal(Path.GetDirectoryName(layout.Project)!.Replace('\\', '/'), Path.GetRelativePath(RepoLayout.Root,
                Path.GetFullPath(Path.Combine(RepoLayout.PathOf("deploy/dapr"), app["appDirPath"].ToString()))));
        }
    }

    [Fact]
    public async Task The_deploy_components_load_in_the_local_sidecar()
    {
        // The component and resiliency files for daprd, pointed at the test Redis, start the local sidecar without
        // a single "not supported" note, with the pubsub name, timings and policies they declare.
        var components = env.TempPath("deploy-components");
        Directory.CreateDirectory(components);
        var stack = StackLayout.Load();
        foreach (var file in Directory.GetFiles(RepoLayout.PathOf("deploy/dapr/components")))
        {
            var text = (await File.ReadAllTextAsync(file)).Replace($"127.0.0.1:{stack.Redis.Port}", env.Redis.ConnectionString);
            await File.WriteAllTextAsync(Path.Combine(components, Path.GetFileName(file)), text);
        }

        await using var subscriber = new TestSubscriber().Subscribe(Unique("deploy"), Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port, components);
        await sidecar.WaitReadyAsync();

        var log = sidecar.Log;
        Assert.Contains($"component {stack.PubsubName} (pubsub.redis) ready", log);
        Assert.Contains("processingTimeout 60 s, redeliverInterval 5 s", log);
        Assert.Contains("inbound retry subscriberDelivery (exponential, maxInterval 5s, maxRetries 25)", log);
        Assert.DoesNotContain("resources:", log);
        Assert.DoesNotContain("WARN", log);
    }
}
