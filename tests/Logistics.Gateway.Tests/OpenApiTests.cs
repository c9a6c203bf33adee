using System.Net;
using System.Text.RegularExpressions;
using Logistics.Access.V1;
using Logistics.Gateway.Tests.Support;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace Logistics.Gateway.Tests;

/// <summary>
/// The gateway's OpenAPI document and API reference page, as the real gateway serves them without a token: the document
/// parses as OpenAPI and lists every REST route of the protos with its parameters and roles; the page renders it with
/// nothing loaded from elsewhere.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class OpenApiTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task The_document_parses_as_OpenAPI_and_lists_every_rest_route_with_its_roles()
    {
        using var response = await _gateway.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        var document = new OpenApiStringReader().Read(await response.Content.ReadAsStringAsync(), out var diagnostic);

        Assert.Empty(diagnostic.Errors);
        Assert.Equal("bearer", Assert.Single(document.Components.SecuritySchemes).Value.Scheme);
        var rest = ApiCatalogue.Methods.Where(m => m.Rest is not null).ToList();
        Assert.Equal(rest.Count, document.Paths.Sum(p => p.Value.Operations.Count));
        foreach (var method in rest)
        {
            var path = ApiRoutes.RestPath(method);
            Assert.True(document.Paths.TryGetValue(path, out var item), $"{path} is not in the document");
            var operation = item.Operations[Enum.Parse<OperationType>(method.Rest!.Verb, ignoreCase: true)];
            if (method.AnySignedIn)
                Assert.True(((OpenApiBoolean)operation.Extensions["x-logistics-any-signed-in"]).Value, path);
            else
                Assert.Equal(method.Roles, ((OpenApiArray)operation.Extensions["x-logistics-roles"]).Cast<OpenApiString>().Select(s => s.Value));
            Assert.Contains(method.AnySignedIn ? "Any signed-in user" : $"Roles: {string.Join(", ", method.Roles)}", operation.Description);
            Assert.Equal(PathField().Matches(path).Select(m => m.Groups[1].Value),
                operation.Parameters.Where(p => p.In == ParameterLocation.Path).Select(p => p.Name));
            Assert.Equal(method.Rest.HasBody, operation.RequestBody is not null);
            Assert.True(operation.Responses.ContainsKey("200"), path);
        }
    }

    [Fact]
    public async Task A_query_parameter_and_a_message_schema_come_from_the_proto()
    {
        using var response = await _gateway.Http.GetAsync("/openapi/v1.json");
        var document = new OpenApiStringReader().Read(await response.Content.ReadAsStringAsync(), out _);

        var list = document.Paths["/api/v1/part-requests"].Operations[OperationType.Get];
        Assert.Contains(list.Parameters, p => p.In == ParameterLocation.Query && p.Name == "pageSize" && p.Schema.Type == "integer");
        var part = document.Components.Schemas["logistics.inventory.v1.Part"];
        Assert.Equal("string", part.Properties["partNumber"].Type);
    }

    [Fact]
    public async Task The_reference_page_renders_every_route_and_loads_nothing_from_elsewhere()
    {
        using var response = await _gateway.Http.GetAsync("/openapi/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var method in ApiCatalogue.Methods.Where(m => m.Rest is not null))
            Assert.Contains(WebUtility.HtmlEncode(ApiRoutes.RestPath(method)), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("@import", html);
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PathField();
}
