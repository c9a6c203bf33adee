using System.Text;
using Logistics.Access.V1;
using Logistics.Hosting.Auth;
using Logistics.LocalStack;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The route and role tables of the docs say what the protos say: gateway/README.md's route table is generated from them
/// (set LOGISTICS_UPDATE_DOCS=1 to rewrite it), and every row of docs/authorization.md's matrix names its rpcs, whose
/// roles are exactly the roles that row lets in.
/// </summary>
public sealed class DocsTests
{
    private const string Begin = "<!-- BEGIN routes: generated from the protos by tests/Logistics.Gateway.Tests/DocsTests.cs; do not edit -->";
    private const string End = "<!-- END routes -->";

    [Fact]
    public void The_gateway_readme_route_table_is_the_one_the_protos_give()
    {
        var file = RepoLayout.PathOf("gateway/README.md");
        var text = File.ReadAllText(file);
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"gateway/README.md has no block between '{Begin}' and '{End}'");
        var expected = Begin + "\n" + RouteTable() + End;
        if (Environment.GetEnvironmentVariable("LOGISTICS_UPDATE_DOCS") == "1")
            File.WriteAllText(file, text[..start] + expected + text[(end + End.Length)..]);
        else
            Assert.True(text[start..(end + End.Length)] == expected,
                "gateway/README.md's route table differs from the protos: run this test with LOGISTICS_UPDATE_DOCS=1 to rewrite it");
    }

    [Fact]
    public void Every_row_of_the_authorization_matrix_lets_in_exactly_the_roles_of_its_rpcs()
    {
        var lines = File.ReadAllLines(RepoLayout.PathOf("docs/authorization.md"));
        var header = Array.FindIndex(lines, l => l.StartsWith("| resource | action (REST) | rpc |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/authorization.md: the matrix's header row (resource | action (REST) | rpc | roles...) is missing");
        var roles = Cells(lines[header])[3..];
        Assert.Equal(Roles.All, roles);

        var byName = ApiCatalogue.Methods.GroupBy(m => m.Method.Name).ToDictionary(g => g.Key, g => g.First());
        var covered = new HashSet<string>();
        var problems = new List<string>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = Cells(line);
            var rpcs = cells[2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(r => r.Trim('`')).ToList();
            if (rpcs is ["-"]) continue; // not an API method (the console's export)
            var lets = roles.Where((_, i) => cells[3 + i] != "-").ToHashSet();
            foreach (var rpc in rpcs)
            {
                if (!byName.TryGetValue(rpc, out var method)) { problems.Add($"{cells[0]} / {cells[1]}: no rpc {rpc}"); continue; }
                covered.Add(rpc);
                var allowed = method.AnySignedIn ? Roles.All.ToHashSet() : method.Roles.ToHashSet();
                if (!allowed.SetEquals(lets))
                    problems.Add($"{cells[0]} / {cells[1]}: the row lets in {string.Join(",", lets.Order())}, rpc {rpc} {string.Join(",", allowed.Order())}");
            }
        }
        problems.AddRange(byName.Keys.Where(k => !covered.Contains(k)).Select(k => $"rpc {k} is in no row of the matrix"));
        Assert.True(problems.Count == 0, "docs/authorization.md:\n" + string.Join("\n", problems));
    }

    private static string[] Cells(string row) => [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    /// <summary>One row per method (the dead letters once, for every service), in the order of the protos.</summary>
    private static string RouteTable()
    {
        var table = new StringBuilder("| service | rpc | REST | who may call (gateway policy) |\n| --- | --- | --- | --- |\n");
        foreach (var method in ApiCatalogue.Methods.Where(m => !m.IsShared || m.Service == ApiCatalogue.Services.Keys.First()))
        {
            var service = method.IsShared ? "every service" : method.Service;
            var rest = method.Rest is null ? "(gRPC only)"
                : $"{method.Rest.Verb} `{(method.IsShared ? ApiRoutes.RestPath(method).Replace($"/services/{method.Service}/", "/services/{service}/", StringComparison.Ordinal) : ApiRoutes.RestPath(method))}`";
            var who = method.AnySignedIn ? "any signed-in user" : string.Join(", ", method.Roles);
            table.Append($"| {service} | `{method.Method.Service.Name}/{method.Method.Name}` | {rest} | {who} (`{GatewayPolicies.For(method)}`) |\n");
        }
        return table.ToString();
    }
}
