using System.Net;

namespace Logistics.LocalStack.Invariants;

/// <summary>
/// The checker walks every centre through the gateway, whose per-user rate limit answers 429 with Retry-After when a
/// thousand centres are walked in a row: wait as told and ask again, saying so, instead of failing the check.
/// (Written here rather than taking Microsoft.Extensions.Http.Resilience: one rule, for a tool the tests also load.)
/// </summary>
public sealed class RetryAfterHandler(Action<string> progress) : DelegatingHandler
{
    private const int Attempts = 20;
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == Attempts) return response;
            var wait = WaitOf(response);
            response.Dispose();
            progress($"{request.RequestUri?.AbsolutePath} answered 429: waiting {wait.TotalSeconds:0.0} s as Retry-After says");
            await Task.Delay(wait, ct);
        }
    }

    private static TimeSpan WaitOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } at ? at - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(1));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;
    }
}
