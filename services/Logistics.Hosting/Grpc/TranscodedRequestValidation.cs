using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;

namespace Logistics.Hosting.Grpc;

/// <summary>
/// JSON transcoding refuses a value of the wrong type (a string for a number, 1.5 for an int32, a malformed timestamp)
/// with "Request JSON payload is not correctly formatted." and no field name. Before it runs, this checks a REST
/// request's body and query string against the method's request message and answers INVALID_ARGUMENT (400) naming the
/// field as the proto does (e.g. <c>packaging.esd_bag_sealed</c>), in transcoding's own error shape. What it lets
/// through, transcoding parses as before.
/// </summary>
public static class TranscodedRequestValidation
{
    public static IApplicationBuilder UseTranscodedRequestValidation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
            if (metadata is null)
            {
                await next(context);
                return;
            }
            var input = metadata.MethodDescriptor.InputType;
            var problem = CheckQuery(context.Request.Query, input);
            if (problem is null && metadata.HttpRule.Body == "*" && context.Request.ContentLength != 0)
            {
                context.Request.EnableBuffering();
                try
                {
                    using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
                    problem = CheckMessage(document.RootElement, input, "");
                }
                catch (JsonException)
                {
                    // Not JSON at all: transcoding says so itself; there is no field to name.
                }
                context.Request.Body.Position = 0;
            }
            if (problem is null)
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { code = 3, message = problem, details = Array.Empty<object>() }, context.RequestAborted);
        });

    private static string? CheckQuery(IQueryCollection query, MessageDescriptor input)
    {
        foreach (var (key, values) in query)
        {
            var field = FindPath(input, key);
            if (field is null) continue; // transcoding ignores what it does not know
            foreach (var value in values)
            {
                if (value is not null && !ScalarText(field, value))
                    return $"{ProtoPath(input, key)}: '{value}' is not {Expected(field)}";
            }
        }
        return null;
    }

    private static string? CheckMessage(JsonElement json, MessageDescriptor message, string path)
    {
        if (json.ValueKind != JsonValueKind.Object) return $"{Name(path, "(body)")}: expected an object";
        foreach (var property in json.EnumerateObject())
        {
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is null) continue;
            var fieldPath = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            var problem = field.IsRepeated && !field.IsMap ? CheckRepeated(property.Value, field, fieldPath) : CheckValue(property.Value, field, fieldPath);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? CheckRepeated(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        if (json.ValueKind != JsonValueKind.Array) return $"{path}: expected a list of {Expected(field)}";
        foreach (var item in json.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null) return $"{path}: a list entry is null";
            var problem = CheckValue(item, field, path);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? CheckValue(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind == JsonValueKind.Null || field.IsMap) return null;
        if (field.FieldType == FieldType.Message)
        {
            var type = field.MessageType;
            if (type.FullName == Timestamp.Descriptor.FullName)
                return json.ValueKind == JsonValueKind.String && IsTimestamp(json.GetString()!) ? null
                    : $"{path}: expected a timestamp like 2026-11-20T08:00:00Z";
            if (type.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal)) return null; // other well-known types: transcoding's rules
            return CheckMessage(json, type, path);
        }
        var ok = json.ValueKind switch
        {
            JsonValueKind.String => ScalarText(field, json.GetString()!) && field.FieldType is not FieldType.Bool,
            JsonValueKind.Number => ScalarNumber(field, json),
            JsonValueKind.True or JsonValueKind.False => field.FieldType == FieldType.Bool,
            _ => false,
        };
        return ok ? null : $"{path}: {Describe(json)} is not {Expected(field)}";
    }

    private static bool ScalarNumber(FieldDescriptor field, JsonElement json) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.Enum => json.TryGetInt32(out _),
        FieldType.UInt32 or FieldType.Fixed32 => json.TryGetUInt32(out _),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => json.TryGetInt64(out _),
        FieldType.UInt64 or FieldType.Fixed64 => json.TryGetUInt64(out _),
        FieldType.Double or FieldType.Float => true,
        _ => false,
    };

    private static bool ScalarText(FieldDescriptor field, string text) => field.FieldType switch
    {
        FieldType.Bool => text is "true" or "false",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        FieldType.Double or FieldType.Float => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text is "NaN" or "Infinity" or "-Infinity",
        FieldType.Enum => field.EnumType.FindValueByName(text) is not null || int.TryParse(text, out _),
        FieldType.Message => field.MessageType.FullName != Timestamp.Descriptor.FullName || IsTimestamp(text),
        _ => true, // string, bytes
    };

    private static bool IsTimestamp(string text)
    {
        try
        {
            Timestamp.Parser.ParseJson(JsonSerializer.Serialize(text));
            return true;
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or FormatException)
        {
            return false;
        }
    }

    private static FieldDescriptor? FindPath(MessageDescriptor message, string path)
    {
        FieldDescriptor? field = null;
        foreach (var part in path.Split('.'))
        {
            if (field is not null)
            {
                if (field.FieldType != FieldType.Message) return null;
                message = field.MessageType;
            }
            field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
            if (field is null) return null;
        }
        return field;
    }

    private static string ProtoPath(MessageDescriptor message, string path)
    {
        var names = new List<string>();
        FieldDescriptor? field = null;
        foreach (var part in path.Split('.'))
        {
            if (field is not null) message = field.MessageType;
            field = message.Fields.InDeclarationOrder().First(f => f.JsonName == part || f.Name == part);
            names.Add(field.Name);
        }
        return string.Join('.', names);
    }

    private static string Expected(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Bool => "true or false",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "a whole number (32-bit)",
        FieldType.UInt32 or FieldType.Fixed32 => "a whole number ≥ 0 (32-bit)",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => "a whole number (64-bit)",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Message => field.MessageType.FullName == Timestamp.Descriptor.FullName ? "a timestamp like 2026-11-20T08:00:00Z" : "an object",
        _ => "text",
    };

    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => $"'{Truncate(json.GetString()!)}'",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Truncate(json.GetRawText()),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => json.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Name(string path, string fallback) => path.Length == 0 ? fallback : path;
}
