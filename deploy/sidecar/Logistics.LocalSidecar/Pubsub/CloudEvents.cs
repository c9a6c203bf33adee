using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Logistics.LocalSidecar.Pubsub;

/// <summary>What a publisher asked for, through gRPC PublishEvent or HTTP /v1.0/publish.</summary>
public sealed record PublishRequest(
    string PubsubName,
    string Topic,
    byte[] Data,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? TraceParent,
    string? TraceState);

/// <summary>The CloudEvent 1.0 envelope daprd wraps published data in.</summary>
public static class CloudEvents
{
    public const string ContentType = "application/cloudevents+json";
    public const string DefaultType = "com.dapr.event.sent";

    /// <summary>
    /// Builds the envelope as daprd does: a published CloudEvent (application/cloudevents+json) is kept and only
    /// completed (topic, pubsubname, time and tracing when missing); anything else is wrapped, with the
    /// `cloudevent.*` publish metadata overriding id, source, type, subject and tracing.
    /// </summary>
    public static JsonObject Create(PublishRequest request, string appId)
    {
        var traceParent = request.TraceParent ?? NewTraceParent();
        var traceState = request.TraceState ?? "";
        if (IsContentType(request.ContentType, ContentType)) return Complete(request, traceParent, traceState);

        string? Override(string key) =>
            request.Metadata.FirstOrDefault(m => string.Equals(m.Key, "cloudevent." + key, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v : null;

        // daprd keeps "traceid" for older SDKs; "traceparent" supersedes it.
        var traceId = Override("traceparent") ?? Override("traceid") ?? traceParent;
        var contentType = request.ContentType.Length > 0 ? request.ContentType : "text/plain";

        var ce = new JsonObject
        {
            ["id"] = Override("id") ?? Guid.NewGuid().ToString(),
            ["specversion"] = "1.0",
            ["datacontenttype"] = contentType,
            ["source"] = Override("source") ?? appId,
            ["type"] = Override("type") ?? DefaultType,
            ["topic"] = request.Topic,
            ["pubsubname"] = request.PubsubName,
            ["traceid"] = traceId,
            ["traceparent"] = traceId,
            ["tracestate"] = Override("tracestate") ?? traceState,
            ["time"] = Now(),
        };
        if (Override("subject") is { } subject) ce["subject"] = subject;

        if (IsContentType(contentType, "application/json"))
            ce["data"] = ParseJsonOrString(request.Data);
        else if (IsContentType(contentType, "application/octet-stream"))
            ce["data_base64"] = Convert.ToBase64String(request.Data);
        else
            ce["data"] = Encoding.UTF8.GetString(request.Data);

        ApplyTtl(ce, request.Metadata);
        return ce;
    }

    private static JsonObject Complete(PublishRequest request, string traceParent, string traceState)
    {
        JsonObject ce;
        try
        {
            ce = JsonNode.Parse(request.Data) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidCloudEventException($"the published application/cloudevents+json body is not a JSON object: {e.Message}");
        }
        ce["time"] ??= Now();
        if (!ce.ContainsKey("traceid"))
        {
            ce["traceid"] = traceParent;
            ce["traceparent"] = traceParent;
        }
        if (!ce.ContainsKey("tracestate")) ce["tracestate"] = traceState;
        ce["topic"] = request.Topic;
        ce["pubsubname"] = request.PubsubName;
        ce["source"] ??= "Dapr";
        ce["type"] ??= DefaultType;
        ce["specversion"] ??= "1.0";
        ApplyTtl(ce, request.Metadata);
        return ce;
    }

    /// <summary>Dapr's message TTL: metadata ttlInSeconds becomes an `expiration` the subscriber side honours.</summary>
    private static void ApplyTtl(JsonObject ce, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue("ttlInSeconds", out var ttl) && long.TryParse(ttl, out var seconds))
            ce["expiration"] = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    public static bool HasExpired(JsonObject ce) =>
        ce["expiration"] is JsonValue v && v.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && at < DateTimeOffset.UtcNow;

    public static string? StringField(JsonObject ce, string name) =>
        ce[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Content types compare like Dapr's: case-insensitive, parameters (";charset=...") ignored.</summary>
    public static bool IsContentType(string contentType, string expected)
    {
        var bare = contentType.Split(';', 2)[0].Trim();
        return string.Equals(bare, expected, StringComparison.OrdinalIgnoreCase);
    }

    private static JsonNode? ParseJsonOrString(byte[] data)
    {
        try
        {
            return JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            // daprd falls back to the text when data labelled JSON does not parse.
            return JsonValue.Create(Encoding.UTF8.GetString(data));
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A W3C traceparent for a publish that arrived without one (daprd starts a trace for it).</summary>
    private static string NewTraceParent() =>
        $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-00";
}

public sealed class InvalidCloudEventException(string message) : Exception(message);
