
namespace Logistics.Gateway;

/// <summary>
/// Kestrel's request body limit does not hold for gRPC: YARP lifts it for streaming requests (content type
/// application/grpc), so a gRPC call could send any size through the gateway. This counts what the proxy reads from a
/// gRPC request and refuses the call once it passes the same limit; the service then sees an aborted stream, never a
/// message it would store. The methods in <c>Gateway:LargeGrpcUploads</c> (an upload in chunks) have their own, larger limit.
/// </summary>
public static class RequestSizeLimit
{
    public static IApplicationBuilder UseGrpcRequestSizeLimit(this IApplicationBuilder app, long maxBytes, IReadOnlyDictionary<string, long>? largeUploads = null) =>
        app.Use((context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
                context.Request.Body = new LimitedStream(context.Request.Body,
                    largeUploads?.GetValueOrDefault(context.Request.Path.Value ?? "") is > 0 and var larger ? larger : maxBytes);
            return next(context);
        });

    private sealed class LimitedStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > maxBytes)
                throw new BadHttpRequestException($"the request body is larger than {maxBytes} bytes", StatusCodes.Status413PayloadTooLarge);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
