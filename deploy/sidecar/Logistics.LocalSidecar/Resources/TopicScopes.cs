namespace Logistics.LocalSidecar.Resources;

/// <summary>
/// Pub/sub topic scoping, as daprd reads it from the component's metadata and applies it (runtime/pubsub
/// GetScopedTopics, IsOperationAllowed):
/// - `publishingScopes` / `subscriptionScopes`: "app1=topic1;app2=topic2,topic3" (spaces are removed first, so a
///   folded YAML value may put one app on each line). An app with no topics listed, or not listed at all, is NOT
///   restricted by them: only a non-empty list restricts.
/// - `allowedTopics`: "topic1,topic2": no app may use any other topic.
/// - `protectedTopics`: "topic1,topic2": such a topic is allowed only to apps whose scope lists it (an app without a
///   scope list cannot use it).
/// </summary>
public sealed record TopicScopes(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Publishing,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Subscription,
    IReadOnlyList<string> AllowedTopics,
    IReadOnlyList<string> ProtectedTopics)
{
    public static TopicScopes From(IReadOnlyDictionary<string, string> metadata)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal) : "";
        return new TopicScopes(ParseScopes(Get("publishingScopes")), ParseScopes(Get("subscriptionScopes")),
            ParseList(Get("allowedTopics")), ParseList(Get("protectedTopics")));
    }

    public bool MayPublish(string appId, string topic) => IsAllowed(topic, Publishing.GetValueOrDefault(appId) ?? []);

    public bool MaySubscribe(string appId, string topic) => IsAllowed(topic, Subscription.GetValueOrDefault(appId) ?? []);

    /// <summary>daprd's IsOperationAllowed, rule for rule.</summary>
    private bool IsAllowed(string topic, IReadOnlyList<string> scoped)
    {
        if (AllowedTopics.Count > 0 && !AllowedTopics.Contains(topic)) return false;
        var isProtected = ProtectedTopics.Contains(topic);
        if (!isProtected && scoped.Count == 0) return true;
        return scoped.Contains(topic);
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseScopes(string value)
    {
        var scopes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in value.Split(';'))
        {
            var parts = entry.Split('=');
            if (parts.Length < 2) continue; // daprd skips an entry without '='
            // daprd appends the topics of every entry naming the app.
            var topics = parts[1].Split(',').Where(t => t.Length > 0);
            scopes[parts[0]] = [.. scopes.GetValueOrDefault(parts[0]) ?? [], .. topics];
        }
        return scopes;
    }

    private static IReadOnlyList<string> ParseList(string value) => value.Split(',').Where(t => t.Length > 0).ToList();
}
