using Google.Api;
using Google.Protobuf.Reflection;

namespace Logistics.Access.V1;

/// <summary>
/// Every method of the system's API as the protos say it: which service serves it, its gRPC path, its REST route (the
/// google.api.http rule) and who may call it (the logistics.access.v1.access option). The services authorize from it,
/// the gateway routes from it, its OpenAPI document and the security tests read it: nothing is copied by hand.
/// </summary>
public static class ApiCatalogue
{
    /// <summary>Each service (as the gateway and the local stack name it) and the gRPC services it serves.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<ServiceDescriptor>> Services = new Dictionary<string, IReadOnlyList<ServiceDescriptor>>
    {
        ["requests"] = [Requests.V1.PartRequestsService.Descriptor, Requests.V1.WorkingTimeService.Descriptor],
        ["receipts"] = [Receipts.V1.ReceiptsService.Descriptor],
        ["returns"] = [Returns.V1.ReturnsService.Descriptor],
        ["inventory"] =
        [
            Inventory.V1.InventoryService.Descriptor, Inventory.V1.StockCountService.Descriptor,
            Inventory.V1.DispositionService.Descriptor, Inventory.V1.TransferService.Descriptor,
            Inventory.V1.ReplenishmentService.Descriptor,
        ],
        ["doa"] = [Doa.V1.DoaClaimsService.Descriptor],
        ["custody"] = [Custody.V1.CustodyService.Descriptor],
    };

    /// <summary>
    /// Served by every service for its own dead letters. Its REST paths name the service in the segment
    /// <see cref="ServiceSegment"/>; a gRPC call names it in the metadata <see cref="ServiceHeader"/>.
    /// </summary>
    public static readonly ServiceDescriptor EveryService = Admin.V1.DeadLettersService.Descriptor;

    public const string ServiceSegment = "{service}";
    public const string ServiceHeader = "logistics-service";

    /// <summary>Every method of every service, in the order of the protos (a shared method once per service).</summary>
    public static IReadOnlyList<ApiMethod> Methods { get; } = Load();

    /// <summary>Who may call a method, from its option; throws, naming the method, when the option is missing or unclear.</summary>
    public static MethodAccess AccessOf(MethodDescriptor method)
    {
        var access = method.GetOptions()?.GetExtension(AccessExtensions.Access);
        if (access is null)
            throw new InvalidOperationException(
                $"rpc {method.FullName} has no (logistics.access.v1.access) option: say in its .proto who may call it (roles or any_signed_in).");
        if (access.AnySignedIn == (access.Roles.Count > 0))
            throw new InvalidOperationException(
                $"rpc {method.FullName}: its (logistics.access.v1.access) option must name roles or say any_signed_in, not both or neither.");
        if (access.Roles.Any(string.IsNullOrWhiteSpace) || access.Roles.Distinct(StringComparer.Ordinal).Count() != access.Roles.Count)
            throw new InvalidOperationException($"rpc {method.FullName}: its (logistics.access.v1.access) roles have a blank or repeated role.");
        return access;
    }

    /// <summary>The method's REST rule, or null for a gRPC-only method.</summary>
    public static HttpRule? HttpRuleOf(MethodDescriptor method) => method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);

    private static List<ApiMethod> Load()
    {
        var methods = new List<ApiMethod>();
        foreach (var (service, descriptors) in Services)
        {
            foreach (var descriptor in descriptors.Append(EveryService))
                foreach (var method in descriptor.Methods)
                    methods.Add(new ApiMethod(service, method, RestRoute.Of(method, service), AccessOf(method)));
        }
        return methods;
    }
}

/// <summary>One method of one service: where it is, how REST reaches it, who may call it.</summary>
public sealed record ApiMethod(string Service, MethodDescriptor Method, RestRoute? Rest, MethodAccess Access)
{
    /// <summary>The gRPC request path, "/package.Service/Method".</summary>
    public string GrpcPath => $"/{Method.Service.FullName}/{Method.Name}";

    /// <summary>True for a method every service serves (the dead letters): a gRPC call names its service in a header.</summary>
    public bool IsShared => Method.Service == ApiCatalogue.EveryService;

    /// <summary>The roles that may call; empty when any signed-in user may.</summary>
    public IReadOnlyList<string> Roles => Access.Roles;

    public bool AnySignedIn => Access.AnySignedIn;
}

/// <summary>A method's REST route: the HTTP verb and the path template of its google.api.http rule.</summary>
/// <param name="Path">The template with a shared method's {service} segment filled in with the service's name.</param>
public sealed record RestRoute(string Verb, string Path, HttpRule Rule)
{
    /// <summary>Whether the request message is the JSON body (body: "*"); otherwise what the path does not carry is the query.</summary>
    public bool HasBody => Rule.Body == "*";

    public static RestRoute? Of(MethodDescriptor method, string service)
    {
        var rule = ApiCatalogue.HttpRuleOf(method);
        if (rule is null) return null;
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
            HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
            HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
            HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
            HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
            _ => throw new InvalidOperationException($"rpc {method.FullName}: its google.api.http rule has no verb and path."),
        };
        return new RestRoute(verb, template.Replace(ApiCatalogue.ServiceSegment, service, StringComparison.Ordinal), rule);
    }
}
