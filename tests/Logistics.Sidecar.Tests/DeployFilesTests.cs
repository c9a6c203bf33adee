using System.Text.RegularExpressions;
using Logistics.LocalStack;
using Logistics.Sidecar.Tests.Harness;
using YamlDotNet.RepresentationModel;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>deploy/dapr holds the files for real daprd; the local sidecar must read the same ones.</summary>
public sealed partial class DeployFilesTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
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

        // An app and a topic of the topic scopes (any other subscription would be left out, with a warning).
        await using var subscriber = new TestSubscriber().Subscribe("return-changed", Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar("custody", subscriber.Port, components);
        await sidecar.WaitReadyAsync();

        var log = sidecar.Log;
        Assert.Contains($"component {stack.PubsubName} (pubsub.redis) ready", log);
        Assert.Contains("concurrency 10, queueDepth 100, processingTimeout 60s, redeliverInterval 5s, maxLenApprox 100000", log);
        Assert.Contains("inbound retry subscriberDelivery (exponential, maxInterval 5s, maxRetries 25)", log);
        Assert.DoesNotContain("resources:", log);
        Assert.DoesNotContain("WARN", log);
    }

    [Fact]
    public void The_topic_scopes_give_each_app_exactly_what_its_code_publishes_and_subscribes_to()
    {
        // Derived from the code: a service publishes the topics it puts in its outbox (Outbox.EnqueueAsync) and its
        // dead-letter topic (the sidecar publishes dead letters under the app's scope); it subscribes to the topics of its
        // MapIntegrationEvent calls and its own dead-letter topic. deploy/dapr/components/pubsub.yaml must say exactly that; every topic is allowed and
        // protected (so an app missing from the scopes may use none).
        var topics = TopicConstant().Matches(File.ReadAllText(RepoLayout.PathOf("protos/EventTopics.cs")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["topic"].Value);
        Assert.NotEmpty(topics);
        var metadata = ((YamlSequenceNode)LoadComponent()["spec"]["metadata"]).Cast<YamlMappingNode>()
            .ToDictionary(m => m["name"].ToString(), m => m["value"].ToString().Replace(" ", "", StringComparison.Ordinal));
        var publishing = Scopes(metadata["publishingScopes"]);
        var subscribing = Scopes(metadata["subscriptionScopes"]);

        var layout = StackLayout.Load();
        var apps = layout.Apps.Concat(layout.Web is null ? [] : [layout.Web]).ToList();
        Assert.Contains(apps, a => a.AppId == "web"); // the console subscribes through its own sidecar too
        foreach (var app in apps)
        {
            var folder = Path.GetDirectoryName(RepoLayout.PathOf(app.Project))!;
            var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(File.ReadAllText).ToList();
            var published = sources.SelectMany(s => Enqueued().Matches(s)).Select(m => topics[m.Groups["name"].Value])
                .Append($"dead-letter.{app.AppId}").ToHashSet();
            var subscribed = sources.SelectMany(s => Subscribed().Matches(s)).Select(m => topics[m.Groups["name"].Value]).ToHashSet();
            // The console maps a notification per topic of its ConsoleEvents.Topics list.
            if (app.AppId == "web")
                subscribed = TopicReference().Matches(File.ReadAllText(Path.Combine(folder, "Live", "ConsoleEvents.cs")))
                    .Select(m => topics[m.Groups["name"].Value]).ToHashSet();
            else
                subscribed.Add($"dead-letter.{app.AppId}"); // every service keeps its dead letters (Logistics.Hosting.Messaging's MapDeadLetters)
            Assert.True(subscribed.Count > 0, $"{app.AppId}: no subscription found in its code");
            Assert.Equal(published.Order(), publishing.GetValueOrDefault(app.AppId, []).Order());
            Assert.Equal(subscribed.Order(), subscribing.GetValueOrDefault(app.AppId, []).Order());
        }
        var every = topics.Values.Concat(apps.Select(a => $"dead-letter.{a.AppId}")).Order().ToList();
        Assert.Equal(every, metadata["allowedTopics"].Split(',').Order());
        Assert.Equal(every, metadata["protectedTopics"].Split(',').Order());
    }

    private static YamlMappingNode LoadComponent()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoLayout.PathOf("deploy/dapr/components/pubsub.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static Dictionary<string, string[]> Scopes(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('='))
            .ToDictionary(p => p[0], p => p[1].Split(',', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"EventTopics\.(?<name>\w+)")]
    private static partial Regex TopicReference();

    [GeneratedRegex("""const string (?<name>\w+) = "(?<topic>[^"]+)";""")]
    private static partial Regex TopicConstant();

    [GeneratedRegex(@"EnqueueAsync\(\s*\w+\s*,\s*EventTopics\.(?<name>\w+)")]
    private static partial Regex Enqueued();

    // MapIntegrationEvent<TEvent, THandler>(EventTopics.X) and custody's Map<TEvent>(app, EventTopics.X) helper around it.
    [GeneratedRegex(@"Map(?:IntegrationEvent)?<\w+(?:\s*,\s*\w+)?>\((?:\w+\s*,\s*)?EventTopics\.(?<name>\w+)")]
    private static partial Regex Subscribed();
}
