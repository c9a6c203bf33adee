using Dapr;
using Google.Protobuf;
using Logistics.Hosting.Data;
using Logistics.Hosting.Telemetry;
using Logistics.SharedKernel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Messaging;

/// <summary>What a handler gets besides the event: the transaction its effect must be written in.</summary>
public sealed record InboxContext(string EventId, NpgsqlTransaction Transaction, IServiceProvider Services)
{
    public NpgsqlConnection Connection => Transaction.Connection!;
}

public static class IntegrationEvents
{
    /// <summary>Dapr's subscriber answers (pubsub HTTP contract).</summary>
    private static readonly IResult Success = Results.Json(new { status = "SUCCESS" });

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to a topic, as <see cref="MapIntegrationEvent{TEvent}"/> does. The handler
    /// is made for each event from the delivery's services (a replayed dead letter's too), its constructor taking what it
    /// needs, so it need not be registered; a dependency the service does not register stops it here, at start, instead
    /// of dead-lettering every event of the topic.
    /// </summary>
    public static RouteHandlerBuilder MapIntegrationEvent<TEvent, THandler>(this IEndpointRouteBuilder app, string topic)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        if (app.ServiceProvider.GetService<IServiceProviderIsService>() is { } registered)
        {
            var missing = typeof(THandler).GetConstructors().SelectMany(c => c.GetParameters())
                .Select(p => p.ParameterType).Where(t => !registered.IsService(t)).Select(t => t.Name).Distinct().ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"{typeof(THandler).Name} (topic {topic}) needs {string.Join(", ", missing)}, which the service does not register");
        }
        var create = ActivatorUtilities.CreateFactory<THandler>([]);
        return app.MapIntegrationEvent<TEvent>(topic, (e, inbox, ct) => create(inbox.Services, null).HandleAsync(e, inbox, ct));
    }

    /// <summary>
    /// Subscribes to a topic on the Dapr pub/sub (through `/dapr/subscribe`) and applies each event once:
    /// its CloudEvent id goes into the inbox in the same transaction as the handler's effect, so a
    /// redelivered event changes nothing. A handler that throws rolls back and answers 500, which the
    /// sidecar retries and finally dead-letters; a handler that throws an <see cref="InvalidFieldException"/> (the event's
    /// content is malformed) answers DROP, which dead-letters it at once. Nothing is acknowledged that was not applied.
    /// Either answer carries the error (`error`, which daprd ignores) so the sidecar can say why it dead-lettered the event.
    /// The same apply step serves a replayed dead letter (<see cref="IntegrationEventHandlers"/>).
    /// </summary>
    public static RouteHandlerBuilder MapIntegrationEvent<TEvent>(this IEndpointRouteBuilder app, string topic,
        Func<TEvent, InboxContext, CancellationToken, Task> handle)
        where TEvent : IMessage<TEvent>, new()
    {
        var options = app.ServiceProvider.GetRequiredService<MessagingOptions>();
        var apply = app.ServiceProvider.GetRequiredService<IntegrationEventHandlers>().Add(topic, handle);
        var metrics = app.ServiceProvider.GetRequiredService<EventMetrics>();
        return app.MapPost($"/events/{topic}", async (HttpContext http, NpgsqlDataSource dataSource, ILoggerFactory loggers) =>
            {
                var logger = loggers.CreateLogger("Logistics.Inbox");
                var ct = http.RequestAborted;
                // UseCloudEvents unwraps the envelope and forwards its attributes as "Cloudevent.*" headers.
                var eventId = http.Request.Headers["Cloudevent.id"].ToString();
                if (string.IsNullOrEmpty(eventId))
                {
                    logger.LogError("Event on {Topic} has no CloudEvent id; dropped (it cannot be de-duplicated)", topic);
                    metrics.Refused(topic, "invalid");
                    return Refusal("DROP", "the event has no CloudEvent id", StatusCodes.Status200OK);
                }
                var body = await new StreamReader(http.Request.Body).ReadToEndAsync(ct);

                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                try
                {
                    if (await apply(eventId, body, tx, http.RequestServices, ct) == ApplyOutcome.AlreadyApplied)
                    {
                        logger.LogInformation("Event {EventId} on {Topic} already handled; acknowledged again without effect", eventId, topic);
                        return Success;
                    }
                    await CommitSignal.CommitAsync(tx, ct);
                }
                catch (EventNotReadableException e)
                {
                    // Retried, then dead-lettered: kept for someone to look at, never silently lost.
                    logger.LogError("Event {EventId} on {Topic} is not a valid {EventType}: {Error}", eventId, topic, typeof(TEvent).Name, e.Message);
                    metrics.Refused(topic, "invalid");
                    return Refusal(null, e.Message, StatusCodes.Status500InternalServerError);
                }
                catch (InvalidFieldException e)
                {
                    // The event itself is malformed (a field missing or invalid): no retry can mend it, and retrying would
                    // hold up every later event of the topic. DROP sends it to the dead-letter topic at once, kept for a person.
                    // Other domain errors may only mean an event of another topic has not arrived yet: those are retried.
                    logger.LogError("Event {EventId} on {Topic} cannot be applied and goes to the dead-letter topic: {Problem}", eventId, topic, e.Message);
                    metrics.Refused(topic, "invalid");
                    return Refusal("DROP", e.Message, StatusCodes.Status200OK);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Handling event {EventId} on {Topic} failed; the sidecar will redeliver it", eventId, topic);
                    metrics.Refused(topic, "failed");
                    return Refusal(null, $"{e.GetType().Name}: {e.Message}", StatusCodes.Status500InternalServerError);
                }
                // Lag on the system clock, as the sidecar stamped `time`, not on the service's TimeProvider (a service's
                // business clock may be moved in tests).
                metrics.Applied(topic, PublishedAt(http.Request), TimeProvider.System.GetUtcNow());
                logger.LogInformation("Handled {EventType} {EventId} from {Topic}", typeof(TEvent).Name, eventId, topic);
                return Success;
            })
            .WithTopic(new TopicOptions { PubsubName = options.PubsubName, Name = topic, DeadLetterTopic = options.DeadLetterTopic })
            .WithMetadata(new SidecarOnlyAttribute())
            .AllowAnonymous(); // no user token: only the sidecar calls it, proven by the app API token (SidecarOnly)
    }

    /// <summary>The CloudEvent's `time` (when the sidecar accepted the publication), if it has a readable one.</summary>
    private static DateTimeOffset? PublishedAt(HttpRequest request) =>
        DateTimeOffset.TryParse(request.Headers["Cloudevent.time"].ToString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>Dapr reads only `status`; `error` is for the sidecar's log and the dead letter (kept short).</summary>
    private static IResult Refusal(string? status, string error, int statusCode)
    {
        var text = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        return status is null
            ? Results.Json(new { error = text }, statusCode: statusCode)
            : Results.Json(new { status, error = text }, statusCode: statusCode);
    }

    private const int MaxErrorLength = 1000;
}
