using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Logistics.LocalSidecar.Api;
using Logistics.LocalSidecar.Pubsub;

namespace Logistics.LocalSidecar.Delivery;

public enum DeliveryStatus { Success, Retry, Drop }

/// <summary>How the app answered a delivery, as daprd reads it; Detail says why, for the logs.</summary>
public readonly record struct DeliveryResult(DeliveryStatus Status, string Detail);

/// <summary>HTTP calls from the sidecar to its app: subscription discovery and event delivery.</summary>
public sealed class AppChannel : IDisposable
{
    private readonly HttpClient _http;
    private readonly ILogger _log;

    public AppChannel(SidecarOptions options, ILoggerFactory loggers)
    {
        _log = loggers.CreateLogger("discovery");
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri(options.AppBaseAddress + "/"),
            // Each delivery is bounded by its own token (processingTimeout), as pubsub.redis bounds its handler.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // daprd with APP_API_TOKEN sends it on every call to the app: discovery and every delivery.
        if (options.AppApiToken is not null) _http.DefaultRequestHeaders.TryAddWithoutValidation(ApiToken.Header, options.AppApiToken);
    }

    /// <summary>
    /// GET /dapr/subscribe until the app answers 200 (its subscriptions) or 404 (none). daprd waits for the app
    /// port, then gives up after a few failed tries; the local sidecar keeps trying, since the local stack may
    /// start the sidecar well before its app is up.
    /// </summary>
    public async Task<string?> DiscoverAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? lastLog = null;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            string problem;
            try
            {
                using var response = await _http.GetAsync("dapr/subscribe", ct);
                if (response.StatusCode == HttpStatusCode.NotFound) return null;
                if (response.IsSuccessStatusCode) return await response.Content.ReadAsStringAsync(ct);
                problem = $"GET /dapr/subscribe answered HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
            if (lastLog is null || clock.Elapsed - lastLog > TimeSpan.FromSeconds(10))
            {
                _log.LogInformation("discovery: waiting for the app at {App} ({Problem}); retrying", _http.BaseAddress, problem);
                lastLog = clock.Elapsed;
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary>POST the CloudEvent, as stored, to the subscription's route, and read the answer the way daprd does.</summary>
    public async Task<DeliveryResult> DeliverAsync(string path, byte[] cloudEvent, JsonObject ce, string pubsubName, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(cloudEvent) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvents.ContentType);
        if ((CloudEvents.StringField(ce, "traceparent") ?? CloudEvents.StringField(ce, "traceid")) is { Length: > 0 } traceParent)
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        if (CloudEvents.StringField(ce, "tracestate") is { Length: > 0 } traceState)
            request.Headers.TryAddWithoutValidation("tracestate", traceState);
        request.Headers.TryAddWithoutValidation("pubsubname", pubsubName);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(DeliveryStatus.Retry, $"app unreachable: {e.Message}");
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            if (code is >= 200 and <= 299) return ReadStatus(await response.Content.ReadAsByteArrayAsync(ct), code);
            // 404 is the one status daprd does not retry: the route is gone, retrying cannot help.
            if (code == 404) return new DeliveryResult(DeliveryStatus.Drop, "HTTP 404");
            return new DeliveryResult(DeliveryStatus.Retry, $"HTTP {code}{AppError(await response.Content.ReadAsByteArrayAsync(ct))}");
        }
    }

    /// <summary>
    /// daprd on a 2xx: an empty body or one that is not {"status": ...} is a success; SUCCESS and "" succeed,
    /// RETRY retries, DROP drops, any other status retries.
    /// </summary>
    private static DeliveryResult ReadStatus(byte[] body, int code)
    {
        string? status;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new DeliveryResult(DeliveryStatus.Success, $"HTTP {code}");
            var property = doc.RootElement.EnumerateObject()
                .FirstOrDefault(p => string.Equals(p.Name, "status", StringComparison.OrdinalIgnoreCase));
            status = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Undefined or JsonValueKind.Null => "",
                _ => null,
            };
        }
        catch (JsonException)
        {
            return new DeliveryResult(DeliveryStatus.Success, $"HTTP {code}");
        }
        return status switch
        {
            null or "" or "SUCCESS" => new DeliveryResult(DeliveryStatus.Success, $"HTTP {code} SUCCESS"),
            "RETRY" => new DeliveryResult(DeliveryStatus.Retry, $"HTTP {code} status RETRY{AppError(body)}"),
            "DROP" => new DeliveryResult(DeliveryStatus.Drop, $"HTTP {code} status DROP{AppError(body)}"),
            _ => new DeliveryResult(DeliveryStatus.Retry, $"HTTP {code} unknown status '{status}'"),
        };
    }

    /// <summary>
    /// The app's own word on a failure: a string `error` in a JSON object answer, which daprd does not read (it decodes
    /// `status` only) and the local sidecar adds to its log and to the dead letter. Empty when there is none.
    /// </summary>
    private static string AppError(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && error.GetString() is { Length: > 0 } text)
                return ": " + (text.Length > MaxAppErrorLength ? text[..MaxAppErrorLength] : text);
        }
        catch (JsonException) { }
        return "";
    }

    private const int MaxAppErrorLength = 1000;

    public void Dispose() => _http.Dispose();
}
