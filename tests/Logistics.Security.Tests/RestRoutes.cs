using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Logistics.Access.V1;

namespace Logistics.Security.Tests;

/// <summary>
/// One REST route of the gateway with the proto method behind it (its google.api.http rule), as the gateway builds it
/// from the protos (Logistics.Access.V1.ApiCatalogue): what the route takes in its path, its query and its body, and the
/// roles that may call it. The path names each field as JSON does ({centreId}), as the gateway's routes and OpenAPI document do.
/// </summary>
public sealed record RestRoute(string Name, string Method, string Path, IReadOnlyList<string> Roles, bool AnySignedIn, MethodDescriptor Rpc, HttpRule Rule)
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
            var bound = Regex.Matches(Rule.Get + Rule.Post + Rule.Put + Rule.Delete + Rule.Patch, @"\{([A-Za-z0-9_]+)").Select(m => m.Groups[1].Value).ToHashSet();
            return Rpc.InputType.Fields.InDeclarationOrder().Where(f => !bound.Contains(f.Name) && f.FieldType != FieldType.Message).ToList();
        }
    }

    public override string ToString() => $"{Method} {Path}";

    /// <summary>Every REST route of every service (a dead-letters route once per service).</summary>
    public static IReadOnlyList<RestRoute> Load() =>
        ApiCatalogue.Methods.Where(m => m.Rest is not null).Select(m => new RestRoute(
            $"{m.Service} {m.Method.FullName}", m.Rest!.Verb,
            Regex.Replace(m.Rest.Path, @"\{([a-z0-9_]+)\}", f => "{" + (m.Method.InputType.FindFieldByName(f.Groups[1].Value)?.JsonName ?? f.Groups[1].Value) + "}"),
            m.Roles, m.AnySignedIn, m.Method, m.Rest.Rule)).ToList();
}
