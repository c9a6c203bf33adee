using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Logistics.LocalStack;

namespace Logistics.Security.Tests;

/// <summary>
/// One REST route of the gateway (its appsettings.json) with the proto method behind it (the method's google.api.http
/// rule): what the route takes in its path, its query and its body.
/// </summary>
public sealed record RestRoute(string Name, string Method, string Path, string Policy, MethodDescriptor Rpc, HttpRule Rule)
{
    /// <summary>The {parameters} of the gateway's path, in order.</summary>
    public IReadOnlyList<string> PathParameters => Regex.Matches(Path, @"\{([A-Za-z_]+)\}").Select(m => m.Groups[1].Value).ToList();

    public bool HasBody => Rule.Body == "*";

    /// <summary>The request message's fields that the path does not carry: a GET route's query parameters.</summary>
    public IReadOnlyList<FieldDescriptor> QueryFields
    {
        get
        {
            if (HasBody) return [];
            var bound = Regex.Matches(Template(Rule), @"\{([A-Za-z0-9_]+)").Select(m => m.Groups[1].Value).ToHashSet();
            return Rpc.InputType.Fields.InDeclarationOrder().Where(f => !bound.Contains(f.Name) && f.FieldType != FieldType.Message).ToList();
        }
    }

    public override string ToString() => $"{Method} {Path}";

    public static string Template(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        _ => "",
    };

    private static string Verb(HttpRule rule) => rule.PatternCase.ToString().ToUpperInvariant();

    private static string Shape(string template) => Regex.Replace(template, @"\{[^}]*\}", "{}");

    private static readonly ServiceDescriptor[] Services =
    [
        Logistics.Inventory.V1.InventoryService.Descriptor, Logistics.Inventory.V1.StockCountService.Descriptor,
        Logistics.Inventory.V1.DispositionService.Descriptor, Logistics.Inventory.V1.TransferService.Descriptor,
        Logistics.Inventory.V1.ReplenishmentService.Descriptor,
        Logistics.Requests.V1.PartRequestsService.Descriptor, Logistics.Receipts.V1.ReceiptsService.Descriptor,
        Logistics.Returns.V1.ReturnsService.Descriptor, Logistics.Doa.V1.DoaClaimsService.Descriptor,
        Logistics.Custody.V1.CustodyService.Descriptor, Logistics.Requests.V1.WorkingTimeService.Descriptor,
        Logistics.Admin.V1.DeadLettersService.Descriptor,
    ];

    /// <summary>
    /// A method every service serves (the dead letters) is routed once per service, with the service's name as a literal
    /// segment where the template has {service}: such a gateway path matches the template with that segment filled in.
    /// </summary>
    private static bool FillsTemplate(string gatewayPath, string template)
    {
        var path = Shape(gatewayPath).Split('/');
        var parts = template.Split('/');
        return path.Length == parts.Length && parts.Select((part, i) =>
            part == "{service}" ? Regex.IsMatch(path[i], "^[a-z]+$") : Shape(part) == path[i]).All(ok => ok);
    }

    /// <summary>
    /// Every REST route of the gateway paired with its proto method. Fails when a route has no method or a method with
    /// an HTTP rule has no route: the sweep must cover all of them.
    /// </summary>
    public static IReadOnlyList<RestRoute> Load()
    {
        var methods = Services.SelectMany(s => s.Methods)
            .Select(m => (Method: m, Rule: m.GetOptions()?.GetExtension(AnnotationsExtensions.Http)))
            .Where(m => m.Rule is not null)
            .ToDictionary(m => $"{Verb(m.Rule!)} {Shape(Template(m.Rule!))}", m => m);
        var perService = methods.Values.Where(m => Template(m.Rule!).Contains("{service}", StringComparison.Ordinal))
            .Select(m => (m.Method, Rule: m.Rule!)).ToList();
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("gateway/Logistics.Gateway/appsettings.json")));
        var routes = new List<RestRoute>();
        var unmatched = new List<string>();
        foreach (var route in settings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject())
        {
            if (route.Value.GetProperty("Metadata").GetProperty("Listener").GetString() != "http") continue;
            if (route.Value.GetProperty("ClusterId").GetString() == "web-http") continue; // the console's pages, not an API method
            var path = route.Value.GetProperty("Match").GetProperty("Path").GetString()!;
            foreach (var verb in route.Value.GetProperty("Match").GetProperty("Methods").EnumerateArray().Select(v => v.GetString()!))
            {
                if (methods.Remove($"{verb} {Shape(path)}", out var rpc))
                    routes.Add(new RestRoute(route.Name, verb, path, route.Value.GetProperty("AuthorizationPolicy").GetString()!, rpc.Method, rpc.Rule!));
                else if (perService.FirstOrDefault(m => Verb(m.Rule) == verb && FillsTemplate(path, Template(m.Rule))) is { Method: not null } shared)
                {
                    routes.Add(new RestRoute(route.Name, verb, path, route.Value.GetProperty("AuthorizationPolicy").GetString()!, shared.Method, shared.Rule));
                    methods.Remove($"{verb} {Shape(Template(shared.Rule))}");
                }
                else
                    unmatched.Add($"gateway route {route.Name} ({verb} {path}) has no proto method");
            }
        }
        unmatched.AddRange(methods.Keys.Select(k => $"proto method {methods[k].Method.FullName} ({k}) has no gateway route"));
        if (unmatched.Count > 0) throw new InvalidOperationException(string.Join("\n", unmatched));
        return routes;
    }
}
