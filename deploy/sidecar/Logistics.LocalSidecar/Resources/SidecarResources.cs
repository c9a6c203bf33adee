using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Logistics.LocalSidecar.Resources;

/// <summary>The resiliency policies that apply to one component.</summary>
public sealed record ComponentPolicies(RetryPolicy? InboundRetry, RetryPolicy? OutboundRetry)
{
    public static readonly ComponentPolicies None = new(null, null);
}

/// <summary>
/// What daprd would load from its resources path: every *.yaml / *.yml file, each holding one or more
/// documents; `kind: Component` of type pubsub.redis and `kind: Resiliency` are used, the rest is skipped
/// with a note. Resources scoped to other app ids are skipped, as daprd does.
/// </summary>
public sealed record SidecarResources(
    IReadOnlyDictionary<string, PubsubComponent> Pubsubs,
    IReadOnlyDictionary<string, ComponentPolicies> Policies,
    IReadOnlyList<string> Notes)
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public ComponentPolicies PoliciesFor(string component) =>
        Policies.TryGetValue(component, out var p) ? p : ComponentPolicies.None;

    public static SidecarResources Load(string folder, string appId)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"resources path {folder} does not exist");

        var notes = new List<string>();
        var pubsubs = new Dictionary<string, PubsubComponent>(StringComparer.Ordinal);
        var resiliencies = new List<(string File, ResourceDocument Doc)>();

        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var doc in ReadDocuments(file))
            {
                var name = doc.Metadata.Name ?? throw new InvalidDataException($"{file}: a {doc.Kind} has no metadata.name");
                if (doc.Scopes.Count > 0 && !doc.Scopes.Contains(appId))
                {
                    notes.Add($"{doc.Kind} {name} is scoped to other apps; skipped");
                    continue;
                }
                switch (doc.Kind)
                {
                    case "Component" when doc.Spec.Type == PubsubComponent.Type:
                        if (pubsubs.ContainsKey(name)) throw new InvalidDataException($"{file}: component {name} is defined twice");
                        var metadata = MetadataOf(file, name, doc);
                        pubsubs[name] = PubsubComponent.FromMetadata(name, metadata, appId);
                        if (metadata.TryGetValue("redeliverInterval", out var interval) && interval.Length > 0 && !ulong.TryParse(interval, out _))
                            notes.Add($"component {name}: redeliverInterval '{interval}' is a duration; released pubsub.redis reads only milliseconds " +
                                "(\"5000\") and silently uses 15s for anything else (components-contrib#4601 fixes it); write milliseconds");
                        break;
                    case "Component":
                        notes.Add($"component {name} of type {doc.Spec.Type} is not supported by the local sidecar; skipped");
                        break;
                    case "Resiliency":
                        resiliencies.Add((file, doc));
                        break;
                    default:
                        notes.Add($"{Path.GetFileName(file)}: kind {doc.Kind} ({name}) is not supported by the local sidecar; skipped");
                        break;
                }
            }
        }

        var policies = new Dictionary<string, ComponentPolicies>(StringComparer.Ordinal);
        foreach (var (file, doc) in resiliencies)
            AddPolicies(file, doc, policies, notes);

        return new SidecarResources(pubsubs, policies, notes);
    }

    private static List<ResourceDocument> ReadDocuments(string file)
    {
        var documents = new List<ResourceDocument>();
        using var reader = new StreamReader(file);
        var parser = new Parser(reader);
        try
        {
            parser.Consume<StreamStart>();
            while (parser.Accept<DocumentStart>(out _))
            {
                var doc = Yaml.Deserialize<ResourceDocument?>(parser);
                // Files may hold other YAML (or empty documents between `---`): only Dapr resources count.
                if (doc?.Kind is not null && doc.ApiVersion?.StartsWith("dapr.io/", StringComparison.Ordinal) == true)
                    documents.Add(doc);
            }
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{file}: {e.Message}", e);
        }
        return documents;
    }

    private static Dictionary<string, string> MetadataOf(string file, string name, ResourceDocument doc)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in doc.Spec.Metadata)
        {
            if (item.Name is null) throw new InvalidDataException($"{file}: component {name} has a metadata item without a name");
            // Secret stores are not part of the local sidecar: a secretKeyRef would silently become an empty value.
            if (item.SecretKeyRef is not null)
                throw new InvalidDataException($"{file}: component {name}.{item.Name} uses secretKeyRef, which the local sidecar does not support");
            metadata[item.Name] = item.Value ?? "";
        }
        return metadata;
    }

    private static void AddPolicies(string file, ResourceDocument doc, Dictionary<string, ComponentPolicies> policies, List<string> notes)
    {
        var retries = doc.Spec.Policies.Retries.ToDictionary(r => r.Key, r => RetryPolicy.From(r.Key, r.Value), StringComparer.Ordinal);
        foreach (var (name, retry) in doc.Spec.Policies.Retries)
            if (retry.Matching is not null) notes.Add($"retry policy {name}: `matching` is not supported; every failure is retried");

        RetryPolicy? Resolve(string component, DirectionTarget? target, string direction)
        {
            if (target is null) return null;
            if (target.Timeout is not null || target.CircuitBreaker is not null)
                notes.Add($"resiliency for {component} {direction}: timeouts and circuit breakers are not supported; only the retry policy applies");
            if (target.Retry is null) return null;
            return retries.TryGetValue(target.Retry, out var policy)
                ? policy
                : throw new InvalidDataException($"{file}: {component}.{direction}.retry names an unknown policy '{target.Retry}'");
        }

        foreach (var (component, target) in doc.Spec.Targets.Components)
        {
            var current = policies.GetValueOrDefault(component, ComponentPolicies.None);
            policies[component] = new ComponentPolicies(
                Resolve(component, target.Inbound, "inbound") ?? current.InboundRetry,
                Resolve(component, target.Outbound, "outbound") ?? current.OutboundRetry);
        }
    }
}
