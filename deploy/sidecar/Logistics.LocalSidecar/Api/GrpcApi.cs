using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Logistics.LocalSidecar.Pubsub;

namespace Logistics.LocalSidecar.Api;

/// <summary>
/// The gRPC API on --dapr-grpc-port: dapr.proto.runtime.v1.Dapr/PublishEvent. Dapr.Protos ships the messages but
/// no server base class, so <see cref="DaprGrpcMethods"/> registers the method by name; any other Dapr method
/// answers UNIMPLEMENTED (ASP.NET Core gRPC's answer for unknown methods).
/// </summary>
public sealed class DaprGrpcApi(Publisher publisher)
{
    public async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        var publish = new PublishRequest(
            request.PubsubName,
            request.Topic,
            request.Data.ToByteArray(),
            request.DataContentType,
            request.Metadata,
            context.RequestHeaders.GetValue("traceparent"),
            context.RequestHeaders.GetValue("tracestate"));
        try
        {
            await publisher.PublishAsync(publish, context.CancellationToken);
            return new Empty();
        }
        // The codes daprd answers with.
        catch (PubsubNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (e is PublishRejectedException or InvalidCloudEventException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (PublishForbiddenException e)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, e.Message));
        }
        catch (PublishFailedException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }
    }
}

public sealed class DaprGrpcMethods : IServiceMethodProvider<DaprGrpcApi>
{
    private const string Service = "dapr.proto.runtime.v1.Dapr";

    private static readonly Method<PublishEventRequest, Empty> PublishEvent = new(
        MethodType.Unary, Service, "PublishEvent", Marshal(PublishEventRequest.Parser), Marshal(Empty.Parser));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcApi> context) =>
        context.AddUnaryMethod(PublishEvent, [], (api, request, call) => api.PublishEvent(request, call));

    private static Marshaller<T> Marshal<T>(MessageParser<T> parser) where T : IMessage<T> =>
        Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
}
