using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Google.Protobuf;
using Logistics.Access.V1;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway.Tests;

/// <summary>
/// Every method of every service, through the real gateway in front of the test backends: its REST route and its gRPC
/// route let in exactly the roles its proto's access option names (the others get 403 / PERMISSION_DENIED and never
/// reach the service), and nobody without a token.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ApiRouteTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    public static TheoryData<string, string> RestMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in ApiCatalogue.Methods.Where(m => m.Rest is not null)) data.Add(m.Service, m.Method.FullName);
        return data;
    }

    public static TheoryData<string, string> GrpcMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in ApiCatalogue.Methods) data.Add(m.Service, m.Method.FullName);
        return data;
    }

    [Fact]
    public void Every_method_has_a_grpc_route_and_one_with_an_http_rule_a_rest_route()
    {
        var routes = ApiRoutes.Build();
        Assert.Equal(ApiCatalogue.Methods.Count, routes.Count(r => r.Metadata![Listeners.MetadataKey] == Listeners.Grpc));
        Assert.Equal(ApiCatalogue.Methods.Count(m => m.Rest is not null), routes.Count(r => r.Metadata![Listeners.MetadataKey] == Listeners.Http));
        // Only the evidence upload (a client stream) has no REST form.
        Assert.Equal(["logistics.doa.v1.DoaClaimsService.UploadEvidence"], ApiCatalogue.Methods.Where(m => m.Rest is null).Select(m => m.Method.FullName));
    }

    [Fact]
    public void Every_service_of_the_protos_is_in_the_catalogue()
    {
        var inCatalogue = ApiCatalogue.Services.Values.SelectMany(s => s).Append(ApiCatalogue.EveryService).Select(s => s.FullName).ToHashSet();
        var inProtos = typeof(ApiCatalogue).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null))
            .OfType<Google.Protobuf.Reflection.FileDescriptor>()
            .SelectMany(f => f.Services).Select(s => s.FullName).ToHashSet();
        Assert.NotEmpty(inProtos);
        Assert.Subset(inCatalogue, inProtos);
    }

    [Theory, MemberData(nameof(RestMethods))]
    public async Task A_rest_route_lets_in_exactly_the_roles_of_its_method(string service, string method)
    {
        var m = ApiCatalogue.Methods.Single(x => x.Service == service && x.Method.FullName == method);
        var path = PathField().Replace(ApiRoutes.RestPath(m), match => $"{match.Groups[1].Value}-1");
        var verb = new HttpMethod(m.Rest!.Verb);
        HttpContent? Body() => m.Rest.HasBody ? JsonContent.Create(new { }) : null;

        using (var anonymous = await _gateway.Http.SendAsync(GatewayHost.Request(verb, path, content: Body())))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var role in Roles.All)
        {
            var before = fixture.Echo.Received.Count;
            using var response = await _gateway.Http.SendAsync(GatewayHost.Request(verb, path, TestTokens.For(role), Body()));
            if (m.AnySignedIn || m.Roles.Contains(role))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{verb} {path} as {role}: {(int)response.StatusCode}, not proxied");
                Assert.Equal(path, (await response.Content.ReadFromJsonAsync<EchoedRequest>())!.Path);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{verb} {path} as {role}: {(int)response.StatusCode}, not 403");
                Assert.Equal(before, fixture.Echo.Received.Count);
            }
        }
    }

    [Theory, MemberData(nameof(GrpcMethods))]
    public async Task A_grpc_route_lets_in_exactly_the_roles_of_its_method(string service, string method)
    {
        var m = ApiCatalogue.Methods.Single(x => x.Service == service && x.Method.FullName == method);
        // The test backend implements none of the system's methods: UNIMPLEMENTED proves the call got through the gateway.
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(m, null));
        foreach (var role in Roles.All)
        {
            var expected = m.AnySignedIn || m.Roles.Contains(role) ? StatusCode.Unimplemented : StatusCode.PermissionDenied;
            Assert.True(expected == await StatusOf(m, TestTokens.For(role)), $"{m.GrpcPath} as {role}: not {expected}");
        }
    }

    [Fact]
    public async Task A_dead_letters_call_over_grpc_without_the_service_header_is_not_routed()
    {
        var m = ApiCatalogue.Methods.First(x => x.IsShared);
        var status = await StatusOf(m, TestTokens.For(Roles.Admin), withServiceHeader: false);
        Assert.Equal(StatusCode.Unimplemented, status); // the gateway's 404: no route without the header
    }

    private async Task<StatusCode> StatusOf(ApiMethod m, string? token, bool withServiceHeader = true)
    {
        var headers = new Metadata();
        if (token is not null) headers.Add("Authorization", $"Bearer {token}");
        if (m.IsShared && withServiceHeader) headers.Add(ApiCatalogue.ServiceHeader, m.Service);
        var call = new Method<HealthCheckRequest, HealthCheckResponse>(MethodType.Unary, m.Method.Service.FullName, m.Method.Name,
            Marshallers.Create(r => r.ToByteArray(), HealthCheckRequest.Parser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), HealthCheckResponse.Parser.ParseFrom));
        try
        {
            await _gateway.Grpc.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(headers), new HealthCheckRequest());
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PathField();
}
