using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Logistics.LocalStack;
using YamlDotNet.RepresentationModel;

namespace Logistics.Sidecar.Tests;

/// <summary>
/// deploy/k8s copies the app ids, ports and pub/sub name of deploy/stack.json, the gateway's cluster names and the
/// local Dapr components into Kubernetes manifests (YAML cannot read stack.json). These tests fail when they drift.
/// They read what the cluster would get: the kustomization rendered by `kubectl kustomize` (the services' base with
/// each overlay's patches applied), not the source files.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private const string Folder = "deploy/k8s";
    private const string Namespace = "logistics";
    private const string Kustomization = "kustomization.yaml";
    private const string SecretsTemplate = "secrets.example.yaml";
    private const string Gateway = "gateway";

    private static readonly StackLayout Stack = StackLayout.Load();
    private static readonly IReadOnlyList<Manifest> Manifests = Render();

    /// <summary>The secrets template: never rendered (the kustomization leaves it out), read as a file.</summary>
    private static readonly IReadOnlyList<Manifest> SecretsTemplateDocs = LoadYaml($"{Folder}/{SecretsTemplate}").Select(root => new Manifest(root)).ToList();

    [Fact]
    public void Every_app_of_the_stack_has_a_deployment_with_its_dapr_annotations_ports_and_settings()
    {
        Assert.Equal(Stack.Apps.Select(a => a.AppId).Append(Gateway).Append(WebConsole.AppId).Order(StringComparer.Ordinal),
            Of("Deployment").Select(d => d.Name).Order(StringComparer.Ordinal));
        var configurations = Of("Configuration").Select(c => c.Name).ToList();

        foreach (var app in Stack.Apps)
        {
            var deployment = Single("Deployment", app.AppId);
            Assert.True(int.Parse(deployment.Root.Map("spec").Str("replicas")) >= 2, $"{app.AppId}: fewer than 2 replicas");
            var template = deployment.Root.Map("spec").Map("template");
            AssertSelectorMatches(deployment.Root.Map("spec").Map("selector").Map("matchLabels"), template.Map("metadata").Map("labels"), app.AppId);

            var annotations = template.Map("metadata").Map("annotations");
            Assert.Equal("true", annotations.Str("dapr.io/enabled"));
            Assert.Equal(app.AppId, annotations.Str("dapr.io/app-id"));
            Assert.Equal(app.HttpPort.ToString(), annotations.Str("dapr.io/app-port"));
            Assert.Equal("http", annotations.Str("dapr.io/app-protocol"));
            if (annotations.Get("dapr.io/config") is YamlScalarNode config)
                Assert.Contains(config.Value, configurations);

            var container = Container(template, app.AppId);
            Assert.Equal($"logistics/{app.AppId}:latest", container.Str("image"));
            var ports = ContainerPorts(container);
            Assert.Equal(new Dictionary<string, int> { ["http"] = app.HttpPort, ["grpc"] = app.GrpcPort }, ports);

            var env = Env(container);
            Assert.Equal(app.HttpPort.ToString(), Value(env, "Ports__Http"));
            Assert.Equal(app.GrpcPort.ToString(), Value(env, "Ports__Grpc"));
            Assert.Equal("0.0.0.0", Value(env, "Ports__Host"));
            Assert.Equal(Stack.PubsubName, Value(env, "Messaging__PubsubName"));
            Assert.Equal(("logistics-secrets", "postgres-connection"), SecretRef(env, "ConnectionStrings__Postgres"));
            Assert.Equal(("logistics-secrets", "signing-key"), SecretRef(env, "Auth__SigningKey"));
            // Only a service that opens Redis itself (its composition, <Service>App.cs, calls AddRedis) gets the Redis
            // connection string.
            var composition = string.Concat(Directory.EnumerateFiles(Path.GetDirectoryName(RepoLayout.PathOf(app.Project))!, "*.cs").Select(File.ReadAllText));
            if (composition.Contains("AddRedis(", StringComparison.Ordinal))
                Assert.Equal(("logistics-secrets", "redis-connection"), SecretRef(env, "ConnectionStrings__Redis"));
            else
                Assert.DoesNotContain("ConnectionStrings__Redis", env.Keys);

            AssertProbe(container, "readinessProbe", "/readyz", app.HttpPort, ports);
            AssertProbe(container, "livenessProbe", "/healthz", app.HttpPort, ports);
            AssertScraped(annotations, app.HttpPort);
            AssertResourcesAndNonRoot(template, container, app.AppId);
        }
    }

    [Fact]
    public void Every_app_has_a_cluster_ip_service_with_the_ports_of_its_deployment()
    {
        Assert.Equal(Stack.Apps.Select(a => a.AppId).Append(Gateway).Append(WebConsole.AppId).Order(StringComparer.Ordinal),
            Of("Service").Select(s => s.Name).Order(StringComparer.Ordinal));
        foreach (var app in Stack.Apps)
            AssertService(app.AppId, "ClusterIP", app.HttpPort, app.GrpcPort);
    }

    private static AppPorts WebConsole => Stack.Web ?? throw new InvalidOperationException("deploy/stack.json names no web console");

    [Fact]
    public void The_console_runs_beside_its_own_sidecar_with_its_own_tokens_reaches_only_the_gateway_and_is_reached_only_by_it()
    {
        var deployment = Single("Deployment", WebConsole.AppId);
        var template = deployment.Root.Map("spec").Map("template");
        var annotations = template.Map("metadata").Map("annotations");
        Assert.Equal("true", annotations.Str("dapr.io/enabled"));
        Assert.Equal(WebConsole.AppId, annotations.Str("dapr.io/app-id"));
        Assert.Equal(WebConsole.HttpPort.ToString(), annotations.Str("dapr.io/app-port"));
        Assert.Equal("web-app-api-token", annotations.Str("dapr.io/app-token-secret"));
        Assert.Equal("web-dapr-api-token", annotations.Str("dapr.io/api-token-secret"));

        var container = Container(template, WebConsole.AppId);
        Assert.Equal("logistics/web:latest", container.Str("image"));
        Assert.Equal(new Dictionary<string, int> { ["http"] = WebConsole.HttpPort }, ContainerPorts(container));
        var env = Env(container);
        Assert.Equal(WebConsole.HttpPort.ToString(), Value(env, "Ports__Http"));
        Assert.Equal("0.0.0.0", Value(env, "Ports__Host"));
        Assert.Equal(("web-app-api-token", "token"), SecretRef(env, "APP_API_TOKEN"));
        Assert.Equal(("web-dapr-api-token", "token"), SecretRef(env, "DAPR_API_TOKEN"));
        // A client of the public API like any other: no signing key; it calls the gateway's service. Its one database
        // use is its own schema (the inbox's marks), through the shared connection secret.
        Assert.Equal(("logistics-secrets", "postgres-connection"), SecretRef(env, "ConnectionStrings__Postgres"));
        Assert.DoesNotContain("Auth__SigningKey", env.Keys);
        Assert.Equal($"http://gateway.logistics.svc.cluster.local:{Stack.Gateway.HttpPort}", Value(env, "Gateway__Rest"));
        Assert.Equal($"http://gateway.logistics.svc.cluster.local:{Stack.Gateway.GrpcPort}", Value(env, "Gateway__Grpc"));
        AssertProbe(container, "readinessProbe", "/readyz", WebConsole.HttpPort, ContainerPorts(container));
        AssertProbe(container, "livenessProbe", "/healthz", WebConsole.HttpPort, ContainerPorts(container));
        AssertScraped(annotations, WebConsole.HttpPort);
        AssertResourcesAndNonRoot(template, container, WebConsole.AppId);
        // Who may reach it: Network_policies_let_only_the_gateway_reach_the_services_and_only_prometheus_their_metrics.
    }

    [Fact]
    public void The_gateway_runs_without_a_sidecar_on_the_stack_ports()
    {
        var deployment = Single("Deployment", Gateway);
        var template = deployment.Root.Map("spec").Map("template");
        AssertSelectorMatches(deployment.Root.Map("spec").Map("selector").Map("matchLabels"), template.Map("metadata").Map("labels"), Gateway);
        var annotations = template.Map("metadata").Get("annotations") as YamlMappingNode;
        Assert.NotEqual("true", (annotations?.Get("dapr.io/enabled") as YamlScalarNode)?.Value);

        var container = Container(template, Gateway);
        Assert.Equal($"logistics/{Gateway}:latest", container.Str("image"));
        var ports = ContainerPorts(container);
        Assert.Equal(new Dictionary<string, int> { ["http"] = Stack.Gateway.HttpPort, ["grpc"] = Stack.Gateway.GrpcPort, ["metrics"] = Stack.Gateway.MetricsPort }, ports);
        var env = Env(container);
        Assert.Equal(Stack.Gateway.HttpPort.ToString(), Value(env, "Gateway__HttpPort"));
        Assert.Equal(Stack.Gateway.GrpcPort.ToString(), Value(env, "Gateway__GrpcPort"));
        Assert.Equal(Stack.Gateway.MetricsPort.ToString(), Value(env, "Gateway__MetricsPort"));
        Assert.NotNull(annotations);
        AssertScraped(annotations, Stack.Gateway.MetricsPort);
        Assert.Equal("0.0.0.0", Value(env, "Gateway__BindAddress"));
        Assert.Equal(("logistics-secrets", "signing-key"), SecretRef(env, "Auth__SigningKey"));
        AssertProbe(container, "readinessProbe", "/readyz", Stack.Gateway.HttpPort, ports);
        AssertProbe(container, "livenessProbe", "/healthz", Stack.Gateway.HttpPort, ports);
        AssertResourcesAndNonRoot(template, container, Gateway);

        var type = Single("Service", Gateway).Root.Map("spec").Str("type");
        Assert.Contains(type, new[] { "ClusterIP", "LoadBalancer" });
        AssertService(Gateway, type, Stack.Gateway.HttpPort, Stack.Gateway.GrpcPort);
    }

    [Fact]
    public void The_gateway_points_every_cluster_of_its_settings_at_the_service_port_in_the_cluster()
    {
        // appsettings.json names the clusters (with loopback destinations); the manifest replaces each destination.
        // An HTTP/2 cluster goes to the app's gRPC port, an HTTP/1.1 one to its HTTP port.
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("gateway/Logistics.Gateway/appsettings.json")));
        var clusters = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").EnumerateObject().ToList();
        Assert.NotEmpty(clusters);

        var destinations = GatewayDestinations();
        Assert.Equal(clusters.Select(c => c.Name).Order(StringComparer.Ordinal), destinations.Keys.Order(StringComparer.Ordinal));
        foreach (var cluster in clusters)
        {
            // The same destination names as appsettings.json: a new name would add a second, loopback destination.
            var names = cluster.Value.GetProperty("Destinations").EnumerateObject().Select(d => d.Name).Order(StringComparer.Ordinal);
            Assert.Equal(names, destinations[cluster.Name].Keys.Order(StringComparer.Ordinal));

            var appId = cluster.Name[..cluster.Name.LastIndexOf('-')];
            var app = Stack.Apps.Append(WebConsole).SingleOrDefault(a => a.AppId == appId);
            Assert.True(app is not null, $"cluster {cluster.Name}: no app {appId} in {StackLayout.File}");
            var http2 = cluster.Value.GetProperty("HttpRequest").GetProperty("Version").GetString() == "2";
            var port = http2 ? app.GrpcPort : app.HttpPort;
            foreach (var address in destinations[cluster.Name].Values)
                Assert.Equal($"http://{appId}.{Namespace}.svc.cluster.local:{port}", address);
            Assert.Contains(port, ServicePorts(appId).Values);
        }
    }

    [Fact]
    public void The_pubsub_component_is_the_stack_pubsub_on_redis_with_the_local_settings()
    {
        var component = Assert.Single(Of("Component"));
        Assert.Equal(Stack.PubsubName, component.Name);
        Assert.Equal("pubsub.redis", component.Root.Map("spec").Str("type"));
        Assert.Equal("kubernetes", component.Root.Map("auth").Str("secretStore"));
        Assert.Equal(Stack.Apps.Select(a => a.AppId).Append(WebConsole.AppId).Order(StringComparer.Ordinal), component.Root.Strings("scopes").Order(StringComparer.Ordinal));

        var metadata = component.Root.Map("spec").Seq("metadata").ToDictionary(m => m.Str("name"));
        Assert.Equal(("logistics-redis", "host"), SecretRef(metadata, "redisHost"));
        Assert.Equal(("logistics-redis", "password"), SecretRef(metadata, "redisPassword"));

        // Every setting of the local component is set here too (values may be production ones, see the README).
        var local = LoadYaml("deploy/dapr/components/pubsub.yaml").Single();
        Assert.Equal(Stack.PubsubName, local.Map("metadata").Str("name"));
        var localNames = local.Map("spec").Seq("metadata").Select(m => m.Str("name")).ToList();
        Assert.Contains("processingTimeout", localNames);
        Assert.All(localNames, name => Assert.Contains(name, metadata.Keys));

        var processingTimeout = Duration(Value(metadata, "processingTimeout"));
        // Released pubsub.redis reads redeliverInterval only as milliseconds (a duration string silently becomes 15s).
        Assert.True(ulong.TryParse(Value(metadata, "redeliverInterval"), out _), "redeliverInterval must be milliseconds");
        Assert.True(ulong.TryParse(LocalValue(local, "redeliverInterval"), out _), "the local redeliverInterval must be milliseconds");
        var redeliverInterval = Duration(Value(metadata, "redeliverInterval"));
        Assert.True(redeliverInterval > TimeSpan.Zero, "redeliverInterval must be positive");
        Assert.True(processingTimeout > redeliverInterval, "processingTimeout must exceed redeliverInterval");
        Assert.True(long.Parse(Value(metadata, "maxLenApprox")) > 0, "maxLenApprox must be positive");
    }

    [Fact]
    public void The_resiliency_copies_the_local_policies_and_targets_the_pubsub_component()
    {
        var resiliency = Assert.Single(Of("Resiliency"));
        var spec = resiliency.Root.Map("spec");
        var targets = spec.Map("targets").Map("components");
        Assert.Equal(new[] { Stack.PubsubName }, targets.Children.Keys.Select(k => ((YamlScalarNode)k).Value));

        var retries = spec.Map("policies").Map("retries");
        foreach (var direction in new[] { "inbound", "outbound" })
            Assert.NotNull(retries.Get(targets.Map(Stack.PubsubName).Map(direction).Str("retry")));

        var local = LoadYaml("deploy/dapr/components/resiliency.yaml").Single();
        Assert.Equal(Canonical(local.Map("spec")), Canonical(spec));
    }

    [Fact]
    public void No_manifest_turns_on_dev_tokens()
    {
        // Off by default in the gateway's settings; so no manifest may even mention the switch.
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("gateway/Logistics.Gateway/appsettings.json")));
        Assert.False(settings.RootElement.GetProperty("Auth").GetProperty("DevTokens").GetProperty("Enabled").GetBoolean());

        var scalars = Manifests.Concat(SecretsTemplateDocs).SelectMany(m => m.Root.AllNodes.OfType<YamlScalarNode>().Select(s => (m.Id, s.Value ?? ""))).ToList();
        Assert.NotEmpty(scalars);
        Assert.All(scalars, s => Assert.False(
            s.Item2.Replace("_", "", StringComparison.Ordinal).Contains("DevTokens", StringComparison.OrdinalIgnoreCase),
            $"{s.Id}: '{s.Item2}'"));
    }

    [Fact]
    public void Every_secret_reference_names_a_key_of_the_example_secrets()
    {
        // The real secrets are created apart from the kustomization: it renders none.
        Assert.Empty(Of("Secret"));
        var secrets = SecretsTemplateDocs.Where(m => m.Kind == "Secret").ToList();
        Assert.NotEmpty(secrets);
        var keys = secrets.ToDictionary(s => s.Name, s => SecretData(s).Keys.ToHashSet());

        var references = Manifests.SelectMany(m => m.Root.AllNodes.OfType<YamlMappingNode>()
            .SelectMany(node => new[] { node.Get("secretKeyRef"), node.Get("secretRef") }.OfType<YamlMappingNode>())
            .Select(r => (m.Id, Name: r.Str("name"), Key: (r.Get("key") as YamlScalarNode)?.Value))).ToList();
        Assert.NotEmpty(references);
        foreach (var (id, name, key) in references)
        {
            Assert.True(keys.ContainsKey(name), $"{id}: secret {name} is not in {SecretsTemplate}");
            if (key is not null) Assert.True(keys[name].Contains(key), $"{id}: secret {name} has no key {key} in {SecretsTemplate}");
        }
        // And the template holds nothing stale: every key is used somewhere (envFrom uses a whole secret).
        foreach (var (name, secretKeys) in keys)
            Assert.All(secretKeys, key => Assert.True(references.Any(r => r.Name == name && (r.Key is null || r.Key == key)),
                $"{SecretsTemplate}: {name}/{key} is not used by any manifest"));

        // Placeholders only, and a signing key too short to be accepted should the template be applied by mistake.
        Assert.All(secrets.SelectMany(s => SecretData(s).Values), value => Assert.Contains("REPLACE-ME", value, StringComparison.Ordinal));
        var signingKey = SecretData(secrets.Single(s => s.Name == "logistics-secrets"))["signing-key"];
        Assert.True(Encoding.UTF8.GetByteCount(signingKey) < 32, "the template's signing key would be usable");
    }

    [Fact]
    public void The_kustomization_renders_every_file_of_the_folder_but_the_secrets_template()
    {
        var folder = RepoLayout.PathOf(Folder);
        var files = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => f is not SecretsTemplate)
            .Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);

        var kustomization = LoadYaml($"{Folder}/{Kustomization}").Single();
        Assert.Equal("Kustomization", kustomization.Str("kind"));
        Assert.Equal(Namespace, kustomization.Str("namespace"));
        Assert.True(File.Exists(Path.Combine(folder, SecretsTemplate)), $"{SecretsTemplate} is missing");

        // Every kustomization reached from the top one, and every file it names: a file outside would never be applied.
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(string dir)
        {
            var file = Path.Combine(dir, Kustomization);
            Assert.True(File.Exists(file), $"{Path.GetRelativePath(folder, dir)}: no {Kustomization}");
            if (!reached.Add(Path.GetRelativePath(folder, file).Replace('\\', '/'))) return; // a base, shared by the overlays
            var k = LoadYaml(Path.GetRelativePath(RepoLayout.Root, file)).Single();
            var named = k.Strings("resources").Concat(k.Strings("bases")).Concat(k.Strings("patchesStrategicMerge"))
                .Concat(k.Seq("patchesJson6902").Concat(k.Seq("patches")).Select(p => p.Str("path")));
            foreach (var entry in named)
            {
                var path = Path.GetFullPath(Path.Combine(dir, entry));
                if (Directory.Exists(path)) Visit(path);
                else Assert.True(reached.Add(Path.GetRelativePath(folder, path).Replace('\\', '/')), $"{entry} is named twice");
            }
        }
        Visit(folder);
        Assert.DoesNotContain(SecretsTemplate, reached);
        Assert.Equal(files, reached.ToList());
    }

    [Fact]
    public void Every_service_gets_a_disruption_budget_and_no_placeholder_of_the_base_is_left()
    {
        Assert.Equal(Stack.Apps.Select(a => a.AppId).Append(Gateway).Order(StringComparer.Ordinal),
            Of("PodDisruptionBudget").Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var app in Stack.Apps)
            AssertSelectorMatches(Single("PodDisruptionBudget", app.AppId).Root.Map("spec").Map("selector").Map("matchLabels"),
                Single("Deployment", app.AppId).Root.Map("spec").Map("template").Map("metadata").Map("labels"), $"PodDisruptionBudget {app.AppId}");

        // base/service names everything "service" and every port 0 until an overlay sets them.
        var scalars = Manifests.SelectMany(m => m.Root.AllNodes.OfType<YamlScalarNode>().Select(s => (m.Id, Value: s.Value ?? ""))).ToList();
        Assert.All(scalars, s => Assert.False(
            s.Value is "service" or "0" || s.Value.StartsWith("service-", StringComparison.Ordinal) || s.Value.EndsWith("/service:latest", StringComparison.Ordinal),
            $"{s.Id}: '{s.Value}' is a placeholder of base/service"));
    }

    [Fact]
    public void Every_manifest_lives_in_the_logistics_namespace()
    {
        Assert.NotEmpty(Manifests);
        var ns = Assert.Single(Of("Namespace"));
        Assert.Equal(Namespace, ns.Name);
        foreach (var manifest in Manifests.Where(m => m.Kind != "Namespace"))
        {
            Assert.False(string.IsNullOrEmpty(manifest.Root.Str("apiVersion")), $"{manifest.Id}: no apiVersion");
            Assert.Equal(Namespace, manifest.Root.Map("metadata").Str("namespace"));
        }
    }

    [Fact]
    public void The_pubsub_component_has_the_local_topic_scopes()
    {
        // The scopes are security, not tuning: they must be the very lists the local stack runs (and DeployFilesTests
        // checks against the code).
        var metadata = Assert.Single(Of("Component")).Root.Map("spec").Seq("metadata").ToDictionary(m => m.Str("name"));
        var local = LoadYaml("deploy/dapr/components/pubsub.yaml").Single().Map("spec").Seq("metadata").ToDictionary(m => m.Str("name"));
        foreach (var name in new[] { "publishingScopes", "subscriptionScopes", "allowedTopics", "protectedTopics" })
            Assert.Equal(Value(local, name).Replace(" ", "", StringComparison.Ordinal), Value(metadata, name).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_service_and_its_sidecar_share_the_apps_own_app_token_and_api_token_secrets()
    {
        // daprd gets the tokens from the annotations; the service from the same secrets (APP_API_TOKEN to check what
        // daprd sends, DAPR_API_TOKEN for its Dapr client). One pair of secrets per app: one app's token opens nothing of
        // another's.
        var secrets = SecretsTemplateDocs.Where(m => m.Kind == "Secret").ToDictionary(s => s.Name, SecretData);
        foreach (var app in Stack.Apps)
        {
            var template = Single("Deployment", app.AppId).Root.Map("spec").Map("template");
            var annotations = template.Map("metadata").Map("annotations");
            var env = Env(Container(template, app.AppId));
            foreach (var (annotation, variable, secret) in new[]
                     {
                         ("dapr.io/app-token-secret", "APP_API_TOKEN", $"{app.AppId}-app-api-token"),
                         ("dapr.io/api-token-secret", "DAPR_API_TOKEN", $"{app.AppId}-dapr-api-token"),
                     })
            {
                Assert.Equal(secret, annotations.Str(annotation));
                Assert.Equal((secret, "token"), SecretRef(env, variable));
                Assert.True(secrets.TryGetValue(secret, out var data) && data.ContainsKey("token"), $"{SecretsTemplate}: no secret {secret} with key token");
            }
        }
        var gateway = Single("Deployment", Gateway).Root.Map("spec").Map("template");
        Assert.DoesNotContain("APP_API_TOKEN", Env(Container(gateway, Gateway)).Keys);
    }

    [Fact]
    public void Network_policies_let_only_the_gateway_reach_the_services_and_the_console_only_sidecars_daprds_internal_port_and_only_prometheus_the_metrics_ports()
    {
        var policies = Of("NetworkPolicy").ToList();
        // Everything not allowed below is denied: an empty pod selector and no ingress rule.
        Assert.Contains(policies, p => p.Root.Map("spec").Map("podSelector").Children.Count == 0
            && p.Root.Map("spec").Strings("policyTypes").Contains("Ingress") && p.Root.Map("spec").Get("ingress") is null);

        var services = Stack.Apps.Select(a => a.AppId).ToHashSet();
        const int DaprdInternalGrpc = 50002;
        foreach (var pod in Stack.Apps.Select(a => a.AppId).Append(Gateway).Append(WebConsole.AppId))
        {
            var labels = Single("Deployment", pod).Root.Map("spec").Map("template").Map("metadata").Map("labels");
            var allowed = new HashSet<(string From, int Port)>();
            foreach (var policy in policies.Where(p => Selects(p.Root.Map("spec").Map("podSelector"), labels)))
            {
                Assert.True(policy.Root.Map("spec").Strings("policyTypes").SequenceEqual(["Ingress"]), $"{policy.Name}: policyTypes");
                foreach (var rule in policy.Root.Map("spec").Seq("ingress"))
                {
                    var sources = rule.Seq("from");
                    var from = new List<string>();
                    if (sources.Count == 0) from.Add("anywhere");
                    foreach (var peer in sources)
                    {
                        if (peer.Get("namespaceSelector") is YamlMappingNode)
                        {
                            // The one peer from another namespace: Prometheus, by both its namespace and its pod label
                            // (in one peer, so both must hold; as two peers either would do).
                            Assert.Equal(new[] { "namespaceSelector", "podSelector" }, peer.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order());
                            Assert.Equal(PrometheusNamespace, Canonical(peer.Map("namespaceSelector")));
                            Assert.Equal(PrometheusPods, Canonical(peer.Map("podSelector")));
                            from.Add(Prometheus);
                            continue;
                        }
                        Assert.True(peer.Children.Count == 1 && peer.Get("podSelector") is YamlMappingNode, $"{policy.Name}: a peer other than a pod selector of the namespace or Prometheus");
                        from.AddRange(Stack.Apps.Select(a => a.AppId).Append(Gateway).Append(WebConsole.AppId).Where(source =>
                            Selects(peer.Map("podSelector"), Single("Deployment", source).Root.Map("spec").Map("template").Map("metadata").Map("labels"))));
                    }
                    var ports = rule.Seq("ports");
                    Assert.True(ports.Count > 0, $"{policy.Name}: a rule open on every port");
                    foreach (var port in ports)
                    {
                        Assert.Equal("TCP", port.Str("protocol"));
                        foreach (var source in from) allowed.Add((source, int.Parse(port.Str("port"))));
                    }
                }
            }

            // Prometheus reaches exactly the port the pod's scrape annotation names, and nothing else of it.
            var scraped = int.Parse(Single("Deployment", pod).Root.Map("spec").Map("template").Map("metadata").Map("annotations").Str("prometheus.io/port"));
            var expected = new HashSet<(string, int)> { (Prometheus, scraped) };
            if (pod == Gateway)
            {
                Assert.Equal(Stack.Gateway.MetricsPort, scraped);
                expected.Add(("anywhere", Stack.Gateway.HttpPort));
                expected.Add(("anywhere", Stack.Gateway.GrpcPort));
            }
            else if (pod == WebConsole.AppId)
            {
                Assert.Equal(WebConsole.HttpPort, scraped);
                expected.Add((Gateway, WebConsole.HttpPort));
            }
            else
            {
                var app = Stack.Apps.Single(a => a.AppId == pod);
                expected.Add((Gateway, app.HttpPort));
                expected.Add((Gateway, app.GrpcPort));
                foreach (var other in services) expected.Add((other, DaprdInternalGrpc));
            }
            Assert.True(expected.SetEquals(allowed), $"{pod}: allowed {string.Join(", ", allowed.Order())}; expected {string.Join(", ", expected.Order())}");
        }
    }

    /// <summary>Where the Prometheus allowed to scrape runs: the namespace "monitoring" (the name label every namespace carries) ...</summary>
    private const string PrometheusNamespace = """{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}""";

    /// <summary>... and its pods' label.</summary>
    private const string PrometheusPods = """{"matchLabels":{"app.kubernetes.io/name":"prometheus"}}""";

    private const string Prometheus = "prometheus (namespace monitoring)";

    /// <summary>A label selector (matchLabels, matchExpressions with In / NotIn / Exists) against a pod's labels.</summary>
    private static bool Selects(YamlMappingNode selector, YamlMappingNode labels)
    {
        string? Label(string key) => (labels.Get(key) as YamlScalarNode)?.Value;
        if (selector.Get("matchLabels") is YamlMappingNode match
            && match.Children.Any(kv => Label(((YamlScalarNode)kv.Key).Value!) != ((YamlScalarNode)kv.Value).Value))
            return false;
        foreach (var expression in selector.Seq("matchExpressions"))
        {
            var value = Label(expression.Str("key"));
            var values = expression.Strings("values");
            var ok = expression.Str("operator") switch
            {
                "In" => value is not null && values.Contains(value),
                "NotIn" => value is null || !values.Contains(value),
                "Exists" => value is not null,
                "DoesNotExist" => value is null,
                var op => throw new InvalidOperationException($"operator {op}"),
            };
            if (!ok) return false;
        }
        return true;
    }

    // ---- helpers ----

    private sealed record Manifest(YamlMappingNode Root)
    {
        public string Kind => Root.Str("kind");
        public string Name => Root.Map("metadata").Str("name");

        /// <summary>For messages: "Deployment requests".</summary>
        public string Id => $"{Kind} {Name}";
    }

    /// <summary>What `kubectl apply -k deploy/k8s` sends: the kustomization rendered by `kubectl kustomize` (offline).</summary>
    private static List<Manifest> Render()
    {
        var info = new ProcessStartInfo("kubectl") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(RepoLayout.PathOf(Folder));
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed; deploy/local/prereqs.sh installs it (Debian's kubernetes-client)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"kubectl kustomize {Folder} failed:\n{stderr.Result}");
            var yaml = new YamlStream();
            yaml.Load(new StringReader(stdout.Result));
            return yaml.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(root => new Manifest(root)).ToList();
        }
    }

    /// <summary>Every non-empty document of a (multi-document) YAML file.</summary>
    private static List<YamlMappingNode> LoadYaml(string relative)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoLayout.PathOf(relative))));
        return yaml.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static IEnumerable<Manifest> Of(string kind) => Manifests.Where(m => m.Kind == kind);

    private static Manifest Single(string kind, string name)
    {
        var found = Of(kind).Where(m => m.Name == name).ToList();
        Assert.True(found.Count == 1, $"{found.Count} {kind} named {name} in {Folder} rendered");
        return found[0];
    }

    private static YamlMappingNode Container(YamlMappingNode template, string name)
    {
        var containers = template.Map("spec").Seq("containers");
        return Assert.Single(containers, c => c.Str("name") == name);
    }

    private static Dictionary<string, int> ContainerPorts(YamlMappingNode container) =>
        container.Seq("ports").ToDictionary(p => p.Str("name"), p => int.Parse(p.Str("containerPort")));

    private static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        container.Seq("env").ToDictionary(e => e.Str("name"));

    private static string Value(Dictionary<string, YamlMappingNode> entries, string name)
    {
        Assert.True(entries.ContainsKey(name), $"{name} is not set");
        return entries[name].Str("value");
    }

    /// <summary>(secret name, key) of an entry that takes its value from a secret (env var or Dapr metadata item).</summary>
    private static (string Name, string Key) SecretRef(Dictionary<string, YamlMappingNode> entries, string name)
    {
        Assert.True(entries.ContainsKey(name), $"{name} is not set");
        Assert.Null(entries[name].Get("value"));
        var entry = entries[name];
        var reference = (entry.Get("valueFrom") is YamlMappingNode from ? from : entry).Map("secretKeyRef");
        return (reference.Str("name"), reference.Str("key"));
    }

    private static Dictionary<string, string> SecretData(Manifest secret)
    {
        var data = new Dictionary<string, string>();
        if (secret.Root.Get("stringData") is YamlMappingNode stringData)
            foreach (var (key, value) in stringData.Children)
                data[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value ?? "";
        if (secret.Root.Get("data") is YamlMappingNode encoded)
            foreach (var (key, value) in encoded.Children)
                data[((YamlScalarNode)key).Value!] = Encoding.UTF8.GetString(Convert.FromBase64String(((YamlScalarNode)value).Value ?? ""));
        return data;
    }

    private static void AssertSelectorMatches(YamlMappingNode selector, YamlMappingNode podLabels, string name)
    {
        Assert.True(selector.Children.Count > 0, $"{name}: empty selector");
        foreach (var (key, value) in selector.Children)
            Assert.True(podLabels.Get(((YamlScalarNode)key).Value!) is YamlScalarNode label && label.Value == ((YamlScalarNode)value).Value,
                $"{name}: selector {key}={value} does not match the pod's labels");
    }

    private static void AssertProbe(YamlMappingNode container, string probe, string path, int port, Dictionary<string, int> ports)
    {
        var get = container.Map(probe).Map("httpGet");
        Assert.Equal(path, get.Str("path"));
        var target = get.Str("port");
        Assert.Equal(port, int.TryParse(target, out var number) ? number : ports.GetValueOrDefault(target));
    }

    /// <summary>The prometheus.io annotations: scrape /metrics on this port.</summary>
    private static void AssertScraped(YamlMappingNode annotations, int port)
    {
        Assert.Equal("true", annotations.Str("prometheus.io/scrape"));
        Assert.Equal(port.ToString(), annotations.Str("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.Str("prometheus.io/path"));
    }

    private static void AssertResourcesAndNonRoot(YamlMappingNode template, YamlMappingNode container, string name)
    {
        foreach (var bound in new[] { "requests", "limits" })
        foreach (var resource in new[] { "cpu", "memory" })
            Assert.False(string.IsNullOrEmpty(container.Map("resources").Map(bound).Str(resource)), $"{name}: no {bound}.{resource}");
        var nonRoot = new[] { template.Map("spec").Get("securityContext"), container.Get("securityContext") }
            .OfType<YamlMappingNode>().Select(c => (c.Get("runAsNonRoot") as YamlScalarNode)?.Value).ToList();
        Assert.Contains("true", nonRoot);
        Assert.DoesNotContain("false", nonRoot);
    }

    /// <summary>Service port name → port; each targets the container port of the same name on its Deployment's pods.</summary>
    private static Dictionary<string, int> ServicePorts(string name)
    {
        var service = Single("Service", name).Root.Map("spec");
        var container = Container(Single("Deployment", name).Root.Map("spec").Map("template"), name);
        var containerPorts = ContainerPorts(container);
        var ports = new Dictionary<string, int>();
        foreach (var port in service.Seq("ports"))
        {
            var target = port.Get("targetPort") is YamlScalarNode t ? t.Value! : port.Str("port");
            var targetPort = int.TryParse(target, out var number) ? number : containerPorts.GetValueOrDefault(target);
            Assert.True(containerPorts.TryGetValue(port.Str("name"), out var sameName) && sameName == targetPort,
                $"Service {name}: port {port.Str("name")} targets {target}, not the container port of that name");
            ports[port.Str("name")] = int.Parse(port.Str("port"));
        }
        return ports;
    }

    private static void AssertService(string name, string type, int httpPort, int grpcPort)
    {
        var service = Single("Service", name);
        Assert.Equal(type, (service.Root.Map("spec").Get("type") as YamlScalarNode)?.Value ?? "ClusterIP");
        var template = Single("Deployment", name).Root.Map("spec").Map("template");
        AssertSelectorMatches(service.Root.Map("spec").Map("selector"), template.Map("metadata").Map("labels"), $"Service {name}");
        Assert.Equal(new Dictionary<string, int> { ["http"] = httpPort, ["grpc"] = grpcPort }, ServicePorts(name));
    }

    [GeneratedRegex("^--ReverseProxy:Clusters:(?<cluster>[^:=]+):Destinations:(?<destination>[^:=]+):Address=(?<address>.+)$")]
    private static partial Regex DestinationArg();

    [GeneratedRegex("^ReverseProxy__Clusters__(?<cluster>.+?)__Destinations__(?<destination>.+?)__Address$")]
    private static partial Regex DestinationEnv();

    /// <summary>cluster → destination → address, from the gateway container's arguments and environment.</summary>
    private static Dictionary<string, Dictionary<string, string>> GatewayDestinations()
    {
        var container = Container(Single("Deployment", Gateway).Root.Map("spec").Map("template"), Gateway);
        var found = new List<(string Cluster, string Destination, string Address)>();
        foreach (var arg in container.Strings("args"))
            if (DestinationArg().Match(arg) is { Success: true } m)
                found.Add((m.Groups["cluster"].Value, m.Groups["destination"].Value, m.Groups["address"].Value));
        foreach (var (name, entry) in Env(container))
            if (DestinationEnv().Match(name) is { Success: true } m)
                found.Add((m.Groups["cluster"].Value, m.Groups["destination"].Value, entry.Str("value")));

        var destinations = new Dictionary<string, Dictionary<string, string>>();
        foreach (var (cluster, destination, address) in found)
        {
            var byName = destinations.TryGetValue(cluster, out var d) ? d : destinations[cluster] = new Dictionary<string, string>();
            Assert.True(byName.TryAdd(destination, address), $"gateway: destination {cluster}/{destination} is set twice");
        }
        return destinations;
    }

    private static string LocalValue(YamlMappingNode component, string name) =>
        component.Map("spec").Seq("metadata").Single(m => m.Str("name") == name).Str("value");

    [GeneratedRegex(@"^(?<n>\d+)(?<unit>ms|s|m|h|)$")]
    private static partial Regex GoDuration();

    private static TimeSpan Duration(string value)
    {
        var m = GoDuration().Match(value);
        Assert.True(m.Success, $"'{value}' is not a duration like 15s");
        var n = long.Parse(m.Groups["n"].Value);
        return m.Groups["unit"].Value switch
        {
            "ms" or "" => TimeSpan.FromMilliseconds(n), // a bare number is milliseconds to pubsub.redis
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromHours(n),
        };
    }

    /// <summary>A node as a string that ignores key order and formatting, to compare two YAML trees.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode s => JsonSerializer.Serialize(s.Value),
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(Canonical)) + "]",
        YamlMappingNode map => "{" + string.Join(",", map.Children.Select(kv => Canonical(kv.Key) + ":" + Canonical(kv.Value)).Order(StringComparer.Ordinal)) + "}",
        _ => node.ToString(),
    };
}

file static class YamlNodes
{
    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        map.Get(key) as YamlMappingNode ?? throw new InvalidOperationException($"'{key}' is missing or not a mapping in {Where(map)}");

    public static string Str(this YamlMappingNode map, string key) =>
        (map.Get(key) as YamlScalarNode)?.Value ?? throw new InvalidOperationException($"'{key}' is missing or not a scalar in {Where(map)}");

    public static List<YamlMappingNode> Seq(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>().ToList() : [];

    public static List<string> Strings(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];

    private static string Where(YamlNode node) => $"the mapping at line {node.Start.Line}";
}
