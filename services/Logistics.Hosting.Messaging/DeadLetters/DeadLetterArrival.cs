using System.Text;
using System.Text.Json;

namespace Logistics.Hosting.Messaging.DeadLetters;

/// <summary>
/// A CloudEvent as it reached the dead-letter topic, read into what is kept. Dapr sends the event there unchanged (same
/// id; its `topic` still names the original topic); the error and attempt count are the extension attributes
/// `deadletterreason` and `deadletterattempts` when the sidecar added them (the local sidecar does; daprd does not, and
/// then they are empty / 0).
/// </summary>
public sealed record DeadLetterArrival(DeadEvent Event, string Error, int Attempts)
{
    public const string ReasonAttribute = "deadletterreason";
    public const string AttemptsAttribute = "deadletterattempts";
    public const int MaxErrorLength = 2000;
    public const int MaxDataLength = 1_000_000;

    /// <summary>The arrival, or null with the reason when the body is not a CloudEvent with an id and a topic.</summary>
    public static DeadLetterArrival? Parse(ReadOnlySpan<byte> cloudEvent, out string problem)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(cloudEvent);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            problem = $"not JSON: {e.Message}";
            return null;
        }
        using (doc)
        {
            var ce = doc.RootElement;
            if (ce.ValueKind != JsonValueKind.Object) { problem = "not a JSON object"; return null; }
            var id = Text(ce, "id");
            var topic = Text(ce, "topic");
            if (id.Length == 0) { problem = "no CloudEvent id"; return null; }
            if (topic.Length == 0) { problem = "no topic"; return null; }
            var contentType = Text(ce, "datacontenttype");
            var data = Data(ce, contentType);
            if (data.Length > MaxDataLength) data = data[..MaxDataLength];
            var error = Text(ce, ReasonAttribute);
            if (error.Length > MaxErrorLength) error = error[..MaxErrorLength];
            var attempts = ce.TryGetProperty(AttemptsAttribute, out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n) && n > 0 ? n
                : int.TryParse(Text(ce, AttemptsAttribute), out var s) && s > 0 ? s : 0;
            problem = "";
            return new DeadLetterArrival(new DeadEvent(id, topic, Text(ce, "type"), Text(ce, "source"), contentType, data), error, attempts);
        }
    }

    /// <summary>
    /// Something on the dead-letter topic that is not a readable CloudEvent is kept all the same (nothing is lost): its
    /// bytes as data, under an id made of their hash, on no topic (so it can only be discarded).
    /// </summary>
    public static DeadLetterArrival Unreadable(ReadOnlySpan<byte> body, string problem)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        var text = Encoding.UTF8.GetString(body.Length > MaxDataLength ? body[..MaxDataLength] : body);
        return new DeadLetterArrival(new DeadEvent("unreadable-" + hash, UnknownTopic, "", "", "", text), $"unreadable dead letter: {problem}", 0);
    }

    public const string UnknownTopic = "(unknown)";

    /// <summary>The data as a subscriber receives it (what Dapr's CloudEvents middleware hands over): JSON as JSON text, a string as is.</summary>
    private static string Data(JsonElement ce, string contentType)
    {
        if (ce.TryGetProperty("data", out var data))
        {
            var isJson = contentType.Length == 0 || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase);
            return data.ValueKind == JsonValueKind.String && !isJson ? data.GetString()! : data.GetRawText();
        }
        if (ce.TryGetProperty("data_base64", out var binary) && binary.ValueKind == JsonValueKind.String)
        {
            try { return Encoding.UTF8.GetString(binary.GetBytesFromBase64()); }
            catch (FormatException) { return binary.GetString()!; }
        }
        return "";
    }

    private static string Text(JsonElement ce, string name) =>
        ce.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
