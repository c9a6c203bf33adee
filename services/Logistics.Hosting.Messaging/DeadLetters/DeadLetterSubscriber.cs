using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Messaging.DeadLetters;

/// <summary>Marks an endpoint that reads the whole CloudEvent itself: Dapr's CloudEvents middleware leaves its body alone.</summary>
public sealed class RawCloudEventAttribute : Attribute;

public static class DeadLetterSubscriber
{
    private static readonly IResult Success = Results.Json(new { status = "SUCCESS" });

    /// <summary>
    /// Subscribes to the service's own dead-letter topic and keeps every event that lands there (dead_letters), for an
    /// admin to replay or discard. The subscription has no dead-letter topic of its own: an arrival that cannot be
    /// stored (the database is away) answers 500 and stays pending in the broker, redelivered until it is kept.
    /// </summary>
    public static RouteHandlerBuilder MapDeadLetters(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<MessagingOptions>();
        var topic = options.DeadLetterTopic;
        return app.MapPost($"/events/{topic}", async (HttpContext http, DeadLetterStore store, ILoggerFactory loggers) =>
            {
                var logger = loggers.CreateLogger("Logistics.DeadLetters");
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
                var body = buffer.ToArray();
                var arrival = DeadLetterArrival.Parse(body, out var problem) ?? DeadLetterArrival.Unreadable(body, problem);
                var isNew = await store.KeepAsync(arrival, http.RequestAborted);
                var e = arrival.Event;
                if (isNew)
                    logger.LogWarning("Dead letter kept: event {EventId} from {Topic} ({Attempts} attempt(s)): {Error}", e.EventId, e.Topic, arrival.Attempts, arrival.Error);
                else
                    logger.LogInformation("Dead letter for event {EventId} from {Topic} arrived again; counted", e.EventId, e.Topic);
                return Success;
            })
            .WithTopic(new TopicOptions { PubsubName = options.PubsubName, Name = topic })
            .WithMetadata(new SidecarOnlyAttribute(), new RawCloudEventAttribute())
            .AllowAnonymous(); // the sidecar calls it, with the app API token (SidecarOnly)
    }
}
