using System.Text.Json;
using System.Text.Json.Nodes;

namespace Logistics.Testing;

/// <summary>Small edits of a JSON template, so a table row reads as "the good body, with this one field wrong".</summary>
public static class JsonEdits
{
    /// <summary>A JSON fragment written as is (a number beyond range, an array, an object).</summary>
    public sealed record RawJson(string Text);

    public static RawJson Raw(string text) => new(text);

    /// <summary>The template with the field at <paramref name="path"/> ("a.b", "lines.0.c") set to <paramref name="value"/>.</summary>
    public static string With(this string json, string path, object? value) => Edit(json, path, parent => SetIn(parent, Last(path), value));

    public static string Without(this string json, string path) => Edit(json, path, parent => parent.AsObject().Remove(Last(path)));

    private static string Last(string path) => path.Split('.')[^1];

    private static string Edit(string json, string path, Action<JsonNode> change)
    {
        var root = JsonNode.Parse(json)!;
        var parent = root;
        foreach (var step in path.Split('.')[..^1])
            parent = int.TryParse(step, out var index) ? parent[index]! : parent[step]!;
        change(parent);
        return root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static void SetIn(JsonNode parent, string name, object? value) =>
        parent[name] = value switch
        {
            RawJson raw => JsonNode.Parse(raw.Text),
            null => null,
            _ => JsonSerializer.SerializeToNode(value),
        };
}
