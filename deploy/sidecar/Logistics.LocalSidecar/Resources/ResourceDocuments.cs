namespace Logistics.LocalSidecar.Resources;

// The shape of Dapr resource files (kind Component and kind Resiliency) as YamlDotNet reads them.
// One class covers both kinds: their `spec` fields do not overlap. Unknown fields are ignored, as daprd does.

public sealed class ResourceDocument
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ResourceName Metadata { get; set; } = new();
    public ResourceSpec Spec { get; set; } = new();
    public List<string> Scopes { get; set; } = [];
}

public sealed class ResourceName
{
    public string? Name { get; set; }
}

public sealed class ResourceSpec
{
    // kind: Component
    public string? Type { get; set; }
    public string? Version { get; set; }
    public List<MetadataItem> Metadata { get; set; } = [];

    // kind: Resiliency
    public ResiliencyPolicies Policies { get; set; } = new();
    public ResiliencyTargets Targets { get; set; } = new();
}

public sealed class MetadataItem
{
    public string? Name { get; set; }
    public string? Value { get; set; }
    public object? SecretKeyRef { get; set; }
}

public sealed class ResiliencyPolicies
{
    public Dictionary<string, RetryDocument> Retries { get; set; } = [];
    public Dictionary<string, string> Timeouts { get; set; } = [];
    public Dictionary<string, object> CircuitBreakers { get; set; } = [];
}

public sealed class RetryDocument
{
    public string? Policy { get; set; }
    public string? Duration { get; set; }
    public string? MaxInterval { get; set; }
    public int? MaxRetries { get; set; }
    public object? Matching { get; set; }
}

public sealed class ResiliencyTargets
{
    public Dictionary<string, ComponentTarget> Components { get; set; } = [];
}

public sealed class ComponentTarget
{
    public DirectionTarget? Inbound { get; set; }
    public DirectionTarget? Outbound { get; set; }
}

public sealed class DirectionTarget
{
    public string? Retry { get; set; }
    public string? Timeout { get; set; }
    public string? CircuitBreaker { get; set; }
}
