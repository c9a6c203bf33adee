using System.Net;

namespace Logistics.Testing;

/// <summary>
/// Waits out the gateway's per-user rate limit as a polite client does: on 429 it sleeps for Retry-After and sends the
/// same request again (a refused call changed nothing). Tests that look at the limit itself use a client without it.
/// </summary>
public sealed class RateLimitPatientHandler() : DelegatingHandler(new HttpClientHandler())
{
    private const int MaxWaits = 20;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(ct);
        for (var wait = 0; ; wait++)
        {
            using var attempt = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
            foreach (var header in request.Headers) attempt.Headers.TryAddWithoutValidation(header.Key, header.Value);
            if (body is not null)
            {
                attempt.Content = new ByteArrayContent(body);
                foreach (var header in request.Content!.Headers) attempt.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            var response = await base.SendAsync(attempt, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || wait == MaxWaits)
            {
                response.RequestMessage = request;
                return response;
            }
            var delay = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(delay > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : delay, ct);
        }
    }
}
