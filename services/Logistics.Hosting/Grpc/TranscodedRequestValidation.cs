using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Logistics.Hosting.Grpc;

/// <summary>
/// JSON transcoding refuses a value of the wrong type (a string for a number, 1.5 for an int32, a malformed timestamp)
/// with "Request JSON payload is not correctly formatted." and no field name. Before it runs, this checks a REST
/// request's body and query string against the method's request message and answers INVALID_ARGUMENT (400) naming the
/// field as the proto does (e.g. <c>packaging.esd_bag_sealed</c>), in transcoding's own error shape. What it lets
/// through, transcoding parses as before.
/// <para>It also refuses, for every method at once: text that is not text (a lone UTF-16 surrogate such as
/// <c>"\ud800"</c>, which .NET cannot turn into a string; a control character other than tab, CR and LF; bytes that
/// are not UTF-8) in any string of the body, the query or the path; a body that is not valid JSON; a query parameter
/// that is not a field of the request message (or is a field the path or the body already carries), and a body field
/// that contradicts the path, both of which transcoding would silently ignore, so that a mistyped filter cannot widen
/// a list.</para>
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
            var problem = CheckPath(context.Request.RouteValues, input)
                ?? CheckQuery(context.Request.Query, input, metadata.HttpRule);
            if (problem is null && metadata.HttpRule.Body == "*" && context.Request.ContentLength != 0)
            {
                context.Request.EnableBuffering();
                try
                {
                    using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
                    problem = CheckMessage(document.RootElement, input, "")
                        ?? CheckPathInBody(document.RootElement, input, metadata.HttpRule, context.Request.RouteValues);
                }
                catch (JsonException e)
                {
                    // Not JSON, or not UTF-8: there is no field to name, but the reader says where it stopped.
                    problem = $"(body): not valid JSON in UTF-8 ({e.Message})";
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

    /// <summary>Path parameters (the route's {field} values) must be text.</summary>
    private static string? CheckPath(RouteValueDictionary routeValues, MessageDescriptor input)
    {
        foreach (var (key, value) in routeValues)
        {
            if (value is not string text || TextProblem(text) is not { } problem) continue;
            return $"{(FindPath(input, key) is null ? key : ProtoPath(input, key))}: {problem}";
        }
        return null;
    }

    private static string? CheckQuery(IQueryCollection query, MessageDescriptor input, Google.Api.HttpRule rule)
    {
        var bound = PathFields(rule);
        foreach (var (key, values) in query)
        {
            if (TextProblem(key) is { } keyProblem) return $"(query): a parameter name {keyProblem}";
            // Transcoding ignores what it does not know; a caller who mistyped a filter would get an unfiltered list.
            var field = FindPath(input, key);
            if (field is null)
                return $"{key}: is not a query parameter of this method{QueryParameters(input, bound, rule)}";
            var name = ProtoPath(input, key);
            if (rule.Body == "*" || bound.Contains(name.Split('.')[0]))
                return $"{name}: is not a query parameter of this method (it goes in the {(rule.Body == "*" ? "body" : "path")})";
            foreach (var value in values)
            {
                if (value is null) continue;
                if (TextProblem(value) is { } problem) return $"{name}: {problem}";
                if (!ScalarText(field, value))
                    return $"{name}: '{Truncate(value)}' is not {Expected(field)}";
            }
        }
        return null;
    }

    /// <summary>
    /// A field the path carries may be repeated in the body only with the same value: transcoding takes the path's and
    /// drops the body's, so a different one would be silently ignored.
    /// </summary>
    private static string? CheckPathInBody(JsonElement body, MessageDescriptor input, Google.Api.HttpRule rule, RouteValueDictionary routeValues)
    {
        if (body.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in PathFields(rule))
        {
            var field = input.FindFieldByName(name);
            if (field is null || routeValues[name] is not string inPath) continue;
            foreach (var property in body.EnumerateObject())
            {
                if (property.Name != field.JsonName && property.Name != field.Name) continue;
                if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() != inPath)
                    return $"{field.Name}: the body gives {Describe(property.Value)} but the path gives '{Truncate(inPath)}'; give it in the path only";
            }
        }
        return null;
    }

    /// <summary>The fields the route's path template binds, e.g. {"centre_id"} for /api/v1/centres/{centre_id}/stock.</summary>
    private static HashSet<string> PathFields(Google.Api.HttpRule rule)
    {
        var template = rule.PatternCase switch
        {
            Google.Api.HttpRule.PatternOneofCase.Get => rule.Get,
            Google.Api.HttpRule.PatternOneofCase.Post => rule.Post,
            Google.Api.HttpRule.PatternOneofCase.Put => rule.Put,
            Google.Api.HttpRule.PatternOneofCase.Delete => rule.Delete,
            Google.Api.HttpRule.PatternOneofCase.Patch => rule.Patch,
            Google.Api.HttpRule.PatternOneofCase.Custom => rule.Custom.Path,
            _ => "",
        };
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(template, @"\{([A-Za-z0-9_.]+)"))
            fields.Add(m.Groups[1].Value.Split('.')[0]);
        return fields;
    }

    private static string QueryParameters(MessageDescriptor input, HashSet<string> bound, Google.Api.HttpRule rule)
    {
        if (rule.Body == "*") return " (it takes none)";
        var names = input.Fields.InDeclarationOrder().Where(f => !bound.Contains(f.Name)).Select(f => f.JsonName).ToList();
        return names.Count == 0 ? " (it takes none)" : $" (known: {string.Join(", ", names)})";
    }

    /// <summary>
    /// Why a string is not text the services take, or null. Every field refuses these, whatever its own rules:
    /// control characters other than tab, CR and LF (NUL cannot even be stored), and unpaired UTF-16 surrogates.
    /// </summary>
    public static string? TextProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return $"contains an unpaired UTF-16 surrogate (U+{(int)c:X4}) at position {i}";
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n')) return $"contains a control character (U+{(int)c:X4}) at position {i}";
            // What a decoder puts where the bytes were not UTF-8 (a query string or a path with %FF): never meant.
            if (c == '\uFFFD') return $"contains bytes that are not UTF-8 (U+FFFD) at position {i}";
        }
        return null;
    }

    /// <summary>
    /// A JSON string as .NET text, or the problem: JSON may escape a lone surrogate ("\ud800"), which no string can hold,
    /// and the reader checks the UTF-8 of a string's bytes only when it is read.
    /// </summary>
    private static string? StringProblem(JsonElement json, out string text)
    {
        try
        {
            text = json.GetString()!;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return "is not valid text (an unpaired UTF-16 surrogate, or bytes that are not UTF-8)";
        }
        return TextProblem(text);
    }

    /// <summary>Every string and property name inside a value the checks below do not look into (maps, unknown fields, well-known types).</summary>
    private static string? CheckAnyText(JsonElement json, string path)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                return StringProblem(json, out _) is { } problem ? $"{path}: {problem}" : null;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray())
                    if (CheckAnyText(item, path) is { } itemProblem) return itemProblem;
                return null;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (PropertyName(property, path, out var name) is { } nameProblem) return nameProblem;
                    if (CheckAnyText(property.Value, $"{path}.{name}") is { } valueProblem) return valueProblem;
                }
                return null;
            default:
                return null;
        }
    }

    private static string? PropertyName(JsonProperty property, string path, out string name)
    {
        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return $"{Name(path, "(body)")}: a property name is not valid text (an unpaired UTF-16 surrogate, or bytes that are not UTF-8)";
        }
        return TextProblem(name) is { } problem ? $"{Name(path, "(body)")}: a property name {problem}" : null;
    }

    private static string? CheckMessage(JsonElement json, MessageDescriptor message, string path)
    {
        if (json.ValueKind != JsonValueKind.Object) return $"{Name(path, "(body)")}: expected an object";
        foreach (var property in json.EnumerateObject())
        {
            if (PropertyName(property, path, out var name) is { } nameProblem) return nameProblem;
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name || f.Name == name);
            if (field is null)
            {
                // Transcoding skips a field it does not know, but its text must still be text.
                if (CheckAnyText(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } unknownProblem) return unknownProblem;
                continue;
            }
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
        if (json.ValueKind == JsonValueKind.Null) return null;
        if (field.IsMap) return CheckAnyText(json, path);
        if (json.ValueKind == JsonValueKind.String && StringProblem(json, out _) is { } textProblem) return $"{path}: {textProblem}";
        if (field.FieldType == FieldType.Message)
        {
            var type = field.MessageType;
            if (type.FullName == Timestamp.Descriptor.FullName)
                return json.ValueKind == JsonValueKind.String && IsTimestamp(json.GetString()!) ? null
                    : $"{path}: expected a timestamp like 2026-11-20T08:00:00Z";
            if (type.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal)) return CheckAnyText(json, path); // other well-known types: transcoding's rules
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
        JsonValueKind.String => $"'{Truncate(json.GetString()!)}'", // a string that got here has passed StringProblem
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Truncate(json.GetRawText()),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => json.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Name(string path, string fallback) => path.Length == 0 ? fallback : path;
}
