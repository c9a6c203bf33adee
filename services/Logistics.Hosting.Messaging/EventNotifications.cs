using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// Subscriptions for an app that only shows events (the web console): no database, no inbox. Each event is handed to
/// a callback that must be safe to repeat, because the sidecar delivers at least once. Routes and topic options are
/// made here, like <see cref="IntegrationEvents.MapIntegrationEvent{TEvent}"/>, so both kinds of subscriber stay alike.
/// </summary>
public static class EventNotifications
{
    private static readonly IResult Success = Results.Json(new { status = "SUCCESS" });

    /// <summary>The messaging options (pub/sub name, dead-letter topic) for an app without the service defaults.</summary>
    public static IServiceCollection AddEventNotifications(this IServiceCollection services, IConfiguration configuration, string appId)
    {
        var messaging = configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        messaging.AppId = appId;
        services.AddSingleton(messaging);
        return services;
    }

    /// <summary>The app API token check, CloudEvents unwrapping and `/dapr/subscribe`; call before mapping the topics.</summary>
    public static WebApplication UseEventNotifications(this WebApplication app)
    {
        app.UseSidecarOnly(); // only the app's own sidecar may deliver, as for the services' subscribers
        app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
        app.MapSubscribeHandler();
        return app;
    }

    /// <summary>
    /// POST /events/{topic}: the event's data (proto3 JSON) goes to <paramref name="notify"/>. A callback that throws
    /// answers 500 so the sidecar retries; a notification has no effect to lose, so nothing else is kept.
    /// </summary>
    public static RouteHandlerBuilder MapEventNotification(this IEndpointRouteBuilder app, string topic,
        Func<string, CancellationToken, Task> notify)
    {
        var options = app.ServiceProvider.GetRequiredService<MessagingOptions>();
        return app.MapPost($"/events/{topic}", async (HttpContext http, ILoggerFactory loggers) =>
            {
                var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
                try
                {
                    await notify(body, http.RequestAborted);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    loggers.CreateLogger("Logistics.Notifications").LogWarning(e, "Notifying of an event on {Topic} failed; the sidecar will redeliver it", topic);
                    return Results.StatusCode(StatusCodes.Status500InternalServerError);
                }
                return Success;
            })
            .WithTopic(new TopicOptions { PubsubName = options.PubsubName, Name = topic, DeadLetterTopic = options.DeadLetterTopic })
            .AllowAnonymous(); // no user: the sidecar calls it, with the app API token (UseSidecarOnly)
    }
}
