using System.Net;
using System.Text;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;

namespace Logistics.Gateway;

/// <summary>
/// The API reference: one HTML page rendered by the gateway from its OpenAPI document (<see cref="ApiDocument"/>),
/// with everything inline (no script, no font or style from elsewhere), so it works on a machine without internet.
/// </summary>
public static class ApiReferencePage
{
    public const string Path = "/openapi/";

    public static string Render(OpenApiDocument document)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(document.Info.Title)).Append(" reference</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}")
            .Append("code,.path{font-family:ui-monospace,monospace}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}")
            .Append(".op{border:1px solid #ddd;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}")
            .Append(".verb{display:inline-block;min-width:4rem;font-weight:bold}.roles{color:#555}")
            .Append("table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(document.Info.Title)).Append(' ').Append(E(document.Info.Version)).Append("</h1>")
            .Append("<p>").Append(E(document.Info.Description)).Append("</p>")
            .Append("<p>Machine-readable: <a href=\"").Append(ApiDocument.Path).Append("\"><code>").Append(ApiDocument.Path).Append("</code></a> (OpenAPI 3.0).</p>");

        var operations = document.Paths
            .SelectMany(p => p.Value.Operations.Select(o => (Path: p.Key, Verb: o.Key.ToString().ToUpperInvariant(), Operation: o.Value)))
            .GroupBy(o => o.Operation.Tags.FirstOrDefault()?.Name ?? "other");
        html.Append("<nav><ul>");
        foreach (var tag in operations) html.Append("<li><a href=\"#").Append(E(tag.Key)).Append("\">").Append(E(tag.Key)).Append("</a></li>");
        html.Append("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");

        foreach (var tag in operations)
        {
            html.Append("<h2 id=\"").Append(E(tag.Key)).Append("\">").Append(E(tag.Key)).Append("</h2>");
            foreach (var (path, verb, operation) in tag)
            {
                html.Append("<div class=\"op\" id=\"").Append(E(operation.OperationId)).Append("\"><p><span class=\"verb\">").Append(verb)
                    .Append("</span> <span class=\"path\">").Append(E(path)).Append("</span></p>")
                    .Append("<p class=\"roles\">").Append(E(operation.Description)).Append("</p>");
                if (operation.Parameters.Count > 0)
                {
                    html.Append("<table><tr><th>parameter</th><th>in</th><th>type</th></tr>");
                    foreach (var parameter in operation.Parameters)
                        html.Append("<tr><td><code>").Append(E(parameter.Name)).Append("</code></td><td>").Append(parameter.In.ToString()!.ToLowerInvariant())
                            .Append("</td><td>").Append(TypeOf(parameter.Schema)).Append("</td></tr>");
                    html.Append("</table>");
                }
                if (operation.RequestBody?.Content.Values.FirstOrDefault()?.Schema is { } body)
                    html.Append("<p>Body: ").Append(TypeOf(body)).Append("</p>");
                if (operation.Responses.TryGetValue("200", out var ok) && ok.Content.Values.FirstOrDefault()?.Schema is { } answer)
                    html.Append("<p>Answer: ").Append(TypeOf(answer)).Append("</p>");
                html.Append("</div>");
            }
        }

        html.Append("<h2 id=\"schemas\">schemas</h2>");
        foreach (var (name, schema) in document.Components.Schemas)
        {
            html.Append("<h3 id=\"").Append(E(name)).Append("\"><code>").Append(E(name)).Append("</code></h3>");
            if (schema.Properties.Count == 0) { html.Append("<p>(no fields)</p>"); continue; }
            html.Append("<table><tr><th>field</th><th>type</th></tr>");
            foreach (var (field, fieldSchema) in schema.Properties)
                html.Append("<tr><td><code>").Append(E(field)).Append("</code></td><td>").Append(TypeOf(fieldSchema)).Append("</td></tr>");
            html.Append("</table>");
        }
        return html.Append("</body></html>").ToString();
    }

    /// <summary>A schema in a few words, a message as a link to its table.</summary>
    private static string TypeOf(OpenApiSchema? schema) => schema switch
    {
        null => "",
        { Reference: { } reference } => $"<a href=\"#{E(reference.Id)}\"><code>{E(reference.Id)}</code></a>",
        { Type: "array" } => $"list of {TypeOf(schema.Items)}",
        { Type: "object", AdditionalProperties: { } values } => $"map of {TypeOf(values)}",
        { Enum.Count: > 0 } => "one of " + string.Join(", ", schema.Enum.OfType<OpenApiString>().Select(v => $"<code>{E(v.Value)}</code>")),
        _ => E(schema.Format is null ? schema.Type ?? "any" : $"{schema.Type} ({schema.Format})"),
    };

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static void MapApiReference(this WebApplication app)
    {
        // Built once: the protos do not change while the gateway runs. Anyone may read it (it is the API's contract and
        // holds no data), limited like any anonymous caller.
        var document = ApiDocument.Build();
        var json = ApiDocument.ToJson(document);
        var page = Render(document);
        app.MapGet(ApiDocument.Path, () => Results.Text(json, "application/json", Encoding.UTF8))
            .AllowAnonymous().RequireRateLimiting(PerUserRateLimitOptions.PolicyName).WithMetadata(new ListenerMetadata(Listeners.Http));
        app.MapGet(Path, () => Results.Text(page, "text/html", Encoding.UTF8))
            .AllowAnonymous().RequireRateLimiting(PerUserRateLimitOptions.PolicyName).WithMetadata(new ListenerMetadata(Listeners.Http));
    }
}
