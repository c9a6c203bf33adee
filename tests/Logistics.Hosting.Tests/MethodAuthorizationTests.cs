using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Logistics.Access.V1;
using Logistics.Hosting.Messaging.DeadLetters;
using Logistics.LocalStack;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Logistics.Hosting.Tests;

/// <summary>
/// The services authorize each method from its proto's access option (MapGrpcApi): the roles land on the method's
/// endpoints, gRPC and REST alike, and a service with a method that has no option does not start.
/// </summary>
public sealed class MethodAuthorizationTests
{
    [Fact]
    public void A_service_whose_proto_method_has_no_access_option_does_not_start_and_the_error_names_the_method()
    {
        var app = App();

        // grpc.health.v1 is not ours: its methods carry no (logistics.access.v1.access) option.
        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcApi<HealthServiceImpl>());

        Assert.Contains("rpc grpc.health.v1.Health.", error.Message);
        Assert.Contains("has no (logistics.access.v1.access) option", error.Message);
    }

    [Fact]
    public void Every_endpoint_of_a_mapped_service_carries_the_roles_of_its_proto_method()
    {
        var app = App();
        app.MapGrpcApi<DeadLettersApi>();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .Select(e => (Method: e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method, Authorize: e.Metadata.GetOrderedMetadata<IAuthorizeData>()))
            .Where(e => e.Method is not null).ToList();

        // Each method twice: gRPC and its REST transcoding.
        Assert.Equal(DeadLettersService().Methods.Count * 2, endpoints.Count);
        foreach (var (method, authorize) in endpoints)
        {
            var expected = ApiCatalogue.AccessOf(DeadLettersService().FindMethodByName(method!.Name));
            Assert.Equal(string.Join(',', expected.Roles), Assert.Single(authorize).Roles);
        }
    }

    [Fact]
    public void Every_method_of_every_service_names_known_roles_or_any_signed_in_user()
    {
        foreach (var service in ApiCatalogue.Services.Values.SelectMany(s => s).Append(ApiCatalogue.EveryService))
        {
            var access = MethodAuthorization.AccessByMethod(service);
            Assert.Equal(service.Methods.Count, access.Count);
        }
    }

    [Fact]
    public void No_service_maps_a_grpc_api_without_its_roles()
    {
        // MapGrpcService alone would serve the methods with no role check at all: every service maps with MapGrpcApi, and
        // so does every test that hosts a service's Api.
        var root = RepoLayout.PathOf(".");
        var bypasses = new[] { "services", "tests" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith("MethodAuthorization.cs", StringComparison.Ordinal) && !f.EndsWith("MethodAuthorizationTests.cs", StringComparison.Ordinal)
                && !f.EndsWith("TranscodedInputTests.cs", StringComparison.Ordinal)) // a recording stand-in, not a service
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"MapGrpcService<(?!Grpc)"))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.Empty(bypasses);
    }

    private static Google.Protobuf.Reflection.ServiceDescriptor DeadLettersService() => Logistics.Admin.V1.DeadLettersService.Descriptor;

    private static WebApplication App()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddGrpc().AddJsonTranscoding();
        return builder.Build();
    }
}
