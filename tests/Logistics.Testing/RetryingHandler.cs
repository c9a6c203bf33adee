using System.Net;

namespace Logistics.Testing;

/// <summary>
/// What a well-behaved client does while part of the system restarts: every POST/PUT carries an idempotency key (the
/// caller's, or one made here), and a transient failure (no connection, 500, 502, 503, 504, a timeout) is retried with
/// the same key for up to <see cref="Patience"/>, so a command that did commit before the failure is answered from its
/// first result instead of being applied twice.
/// </summary>
public sealed class RetryingHandler : DelegatingHandler
{
    public RetryingHandler() : base(new HttpClientHandler()) { }

    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(90);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if ((request.Method == HttpMethod.Post || request.Method == HttpMethod.Put) && !request.Headers.Contains("Idempotency-Key"))
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(ct);
        var contentType = request.Content?.Headers.ContentType;
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            using var attempt = new HttpRequestMessage(request.Method, request.RequestUri);
            foreach (var header in request.Headers) attempt.Headers.TryAddWithoutValidation(header.Key, header.Value);
            if (body is not null)
            {
                attempt.Content = new ByteArrayContent(body);
                attempt.Content.Headers.ContentType = contentType;
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(20));
                var response = await base.SendAsync(attempt, timeout.Token);
                if (!IsTransient(response.StatusCode) || DateTime.UtcNow > deadline)
                {
                    response.RequestMessage = request;
                    return response;
                }
                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
