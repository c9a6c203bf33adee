using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Logistics.Gateway.Tests.Support;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class GrpcTests(GatewayFixture fixture)
{
    private readonly GatewayHost _gateway = fixture.Gateway;

    [Fact]
    public async Task A_grpc_call_through_the_h2c_port_reaches_the_service_with_the_token()
    {
        var token = TestTokens.For(Roles.Engineer);
        var client = new Health.HealthClient(_gateway.Grpc);

        var reply = await client.CheckAsync(new HealthCheckRequest(), WithToken(token));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        Assert.Contains($"Bearer {token}", fixture.GrpcBackend.ReceivedAuthorization);
    }

    [Fact]
    public async Task A_grpc_call_without_a_token_is_unauthenticated()
    {
        var client = new Health.HealthClient(_gateway.Grpc);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task PutPart_needs_admin_at_the_gateway_while_other_inventory_methods_need_any_token()
    {
        // The test backend implements no inventory method: UNIMPLEMENTED proves the call got through the gateway.
        var engineer = WithToken(TestTokens.For(Roles.Engineer));
        var admin = WithToken(TestTokens.For(Roles.Admin));

        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(InventoryMethod("PutPart"), engineer));
        Assert.Equal(StatusCode.Unimplemented, await StatusOf(InventoryMethod("PutPart"), admin));
        Assert.Equal(StatusCode.Unimplemented, await StatusOf(InventoryMethod("GetPart"), engineer));
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(InventoryMethod("GetPart"), new CallOptions()));
    }

    private static CallOptions WithToken(string token) => new(new Metadata { { "Authorization", $"Bearer {token}" } });

    /// <summary>An inventory method with placeholder messages: the gateway routes by path and never reads the body.</summary>
    private static Method<HealthCheckRequest, HealthCheckResponse> InventoryMethod(string name) => new(
        MethodType.Unary, "logistics.inventory.v1.InventoryService", name,
        Marshallers.Create(m => m.ToByteArray(), HealthCheckRequest.Parser.ParseFrom),
        Marshallers.Create(m => m.ToByteArray(), HealthCheckResponse.Parser.ParseFrom));

    private async Task<StatusCode> StatusOf(Method<HealthCheckRequest, HealthCheckResponse> method, CallOptions options)
    {
        try
        {
            await _gateway.Grpc.CreateCallInvoker().AsyncUnaryCall(method, null, options, new HealthCheckRequest());
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
