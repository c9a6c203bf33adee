using Logistics.LocalSidecar.Pubsub;

namespace Logistics.LocalSidecar.Api;

/// <summary>The HTTP API on --dapr-http-port: publish, health and a minimal metadata, with daprd's status codes and error bodies.</summary>
public static class HttpApi
{
    private const string MetadataPrefix = "metadata.";

    public static void MapDaprHttpApi(this WebApplication app, int port)
    {
        var api = app.MapGroup("/v1.0").RequireHost($"*:{port}");

        api.MapPost("/publish/{pubsubname}/{**topic}", Publish);
        api.MapGet("/healthz", (SidecarState state) => state.Ready
            ? Results.NoContent()
            : Error(StatusCodes.Status500InternalServerError, "ERR_HEALTH_NOT_READY", "dapr is not ready"));
        api.MapGet("/healthz/outbound", (SidecarState state) => state.OutboundReady
            ? Results.NoContent()
            : Error(StatusCodes.Status500InternalServerError, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready"));
        api.MapGet("/metadata", Metadata);
    }

    private static async Task<IResult> Publish(string pubsubname, string? topic, HttpRequest http, Publisher publisher)
    {
        using var body = new MemoryStream();
        await http.Body.CopyToAsync(body, http.HttpContext.RequestAborted);
        // daprd takes publish metadata from the query string: ?metadata.cloudevent.id=...
        var metadata = http.Query
            .Where(q => q.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            .ToDictionary(q => q.Key[MetadataPrefix.Length..], q => q.Value.ToString(), StringComparer.Ordinal);
        var request = new PublishRequest(
            pubsubname,
            topic ?? "",
            body.ToArray(),
            http.ContentType ?? "",
            metadata,
            http.Headers["traceparent"].FirstOrDefault(),
            http.Headers["tracestate"].FirstOrDefault());
        try
        {
            await publisher.PublishAsync(request, http.HttpContext.RequestAborted);
            return Results.NoContent();
        }
        catch (PubsubNotFoundException e)
        {
            return Error(StatusCodes.Status404NotFound, "ERR_PUBSUB_NOT_FOUND", e.Message);
        }
        catch (PublishRejectedException e)
        {
            return Error(StatusCodes.Status400BadRequest, "ERR_PUBSUB_REQUEST_METADATA", e.Message);
        }
        catch (PublishForbiddenException e)
        {
            return Error(StatusCodes.Status403Forbidden, "ERR_PUBSUB_FORBIDDEN", e.Message);
        }
        catch (InvalidCloudEventException e)
        {
            return Error(StatusCodes.Status400BadRequest, "ERR_PUBSUB_CLOUD_EVENTS_SER", e.Message);
        }
        catch (PublishFailedException e)
        {
            return Error(StatusCodes.Status500InternalServerError, "ERR_PUBSUB_PUBLISH_MESSAGE", e.Message);
        }
    }

    private static IResult Metadata(SidecarOptions options, SidecarState state, PubsubRegistry pubsubs) => Results.Json(new
    {
        id = options.AppId,
        runtimeVersion = "local-sidecar",
        components = pubsubs.Components.Keys.Select(name => new { name, type = Resources.PubsubComponent.Type, version = "v1" }),
        subscriptions = state.Subscriptions.Select(s => new
        {
            pubsubname = s.PubsubName,
            topic = s.Topic,
            deadLetterTopic = s.DeadLetterTopic ?? "",
            metadata = s.Metadata,
            rules = s.Path is null ? [] : new[] { new { match = "", path = s.Path } },
            type = "PROGRAMMATIC",
        }),
    });

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { errorCode = code, message }, statusCode: status);
}
