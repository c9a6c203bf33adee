using Grpc.Core;
using Grpc.Core.Interceptors;
using Logistics.SharedKernel;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Grpc;

/// <summary>
/// Turns the domain's refusals into gRPC statuses (which JSON transcoding turns into HTTP statuses),
/// with the domain's message as the detail. Anything else is an internal error with no detail leaked.
/// </summary>
public sealed class DomainErrorInterceptor(ILogger<DomainErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (DomainException e)
        {
            throw ToRpc(e);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            logger.LogError(e, "Unhandled error in {Method}", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "internal error; see the service log"));
        }
    }

    /// <summary>The same for a call whose request comes in a stream (an upload in chunks).</summary>
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (DomainException e)
        {
            throw ToRpc(e);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            logger.LogError(e, "Unhandled error in {Method}", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "internal error; see the service log"));
        }
    }

    public static RpcException ToRpc(DomainException e) => new(new Status(e switch
    {
        InvalidFieldException => StatusCode.InvalidArgument,
        NotFoundException => StatusCode.NotFound,
        RuleViolationException => StatusCode.FailedPrecondition,
        AlreadyExistsException => StatusCode.AlreadyExists,
        NotAllowedException => StatusCode.PermissionDenied,
        _ => StatusCode.Unknown,
    }, e.Message));
}
