using Google.Protobuf;

namespace Logistics.Hosting.Messaging;

/// <summary>proto3 JSON, the `data` format of every integration event.</summary>
public static class ProtoJson
{
    // Default values are written so a reader of the raw event sees every field.
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    // Unknown fields are ignored so a newer publisher does not break an older subscriber.
    public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
}
