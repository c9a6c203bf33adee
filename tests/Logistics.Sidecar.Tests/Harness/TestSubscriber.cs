using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Dapr;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Logistics.Sidecar.Tests.Harness;

/// <summary>How the subscriber answers one delivery.</summary>
public sealed record Reply(int StatusCode, string? Status, bool Hang = false, bool Held = false)
{
    public static readonly Reply Success = new(200, "SUCCESS");
    public static readonly Reply EmptyOk = new(200, null);
    public static readonly Reply Retry = new(200, "RETRY");
    public static readonly Reply Drop = new(200, "DROP");
    public static readonly Reply ServerError = new(500, null);
    public static readonly Reply NotFound = new(404, null);
    /// <summary>Never answers (until the sidecar goes away).</summary>
    public static readonly Reply Hangs = new(0, null, Hang: true);
    /// <summary>Holds the delivery until <see cref="TestSubscriber.ReleaseHeld"/>, then answers SUCCESS.</summary>
    public static readonly Reply HeldThenSuccess = new(200, "SUCCESS", Held: true);

    public override string ToString() => Hang ? "hang" : Held ? "held, then SUCCESS" : Status is null ? $"HTTP {StatusCode}" : $"HTTP {StatusCode} {Status}";
}

/// <summary>One delivery the subscriber saw: the CloudEvent as the sidecar posted it, and what the app answered.</summary>
public sealed record Delivery(
    string Topic,
    string EventId,
    int Attempt,
    JsonObject CloudEvent,
    string Body,
    string? ContentType,
    string? TraceParent,
    Reply Reply,
    DateTimeOffset At)
{
    public string? Field(string name) => CloudEvent[name]?.GetValue<string>();
}

/// <summary>
/// A subscriber app built the way the services are: ASP.NET Core with Dapr.AspNetCore (UseCloudEvents,
/// MapSubscribeHandler, WithTopic). Each topic has a script that picks the reply from the attempt number
/// (1 for the first delivery of an event id). It can be stopped and started again on the same port.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly List<(string Topic, string? DeadLetterTopic, Func<int, Reply> Script)> _topics = [];
    private readonly ConcurrentDictionary<(string Topic, string Id), int> _attempts = new();
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentQueue<(string Path, string? ApiToken)> _calls = new();
    private WebApplication? _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inHandler;

    public TestSubscriber() => Port = FreePort.Next();

    public int Port { get; }

    /// <summary>The most deliveries handled at the same time.</summary>
    public int MaxConcurrent { get; private set; }

    /// <summary>Deliveries the app is handling right now.</summary>
    public int InHandler => Volatile.Read(ref _inHandler);

    /// <summary>Lets every delivery held by <see cref="Reply.HeldThenSuccess"/> (now and later) answer.</summary>
    public void ReleaseHeld() => _release.TrySetResult();

    public TestSubscriber Subscribe(string topic, Func<int, Reply> script, string? deadLetterTopic = null)
    {
        _topics.Add((topic, deadLetterTopic, script));
        return this;
    }

    public TestSubscriber Subscribe(string topic, Reply always, string? deadLetterTopic = null) =>
        Subscribe(topic, _ => always, deadLetterTopic);

    public IReadOnlyList<Delivery> DeliveriesOf(string topic) => _deliveries.Where(d => d.Topic == topic).ToList();

    /// <summary>Every call the app got (discovery and deliveries): its path and the dapr-api-token header it carried.</summary>
    public IReadOnlyList<(string Path, string? ApiToken)> Calls => _calls.ToList();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        // A hung handler must not hold a stop for long.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();

        // Keep the CloudEvent as posted: UseCloudEvents replaces the body with its `data` and the content type with its datacontenttype.
        app.Use(async (context, next) =>
        {
            _calls.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers["dapr-api-token"].FirstOrDefault()));
            context.Items["contenttype"] = context.Request.ContentType;
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            context.Items["cloudevent"] = await reader.ReadToEndAsync();
            context.Request.Body.Position = 0;
            await next(context);
        });
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        foreach (var (topic, deadLetterTopic, script) in _topics)
        {
            app.MapPost($"/events/{topic}", (Func<HttpContext, Task<IResult>>)(context => HandleAsync(context, topic, script)))
                .WithTopic(new TopicOptions { PubsubName = SidecarEnvironment.Pubsub, Name = topic, DeadLetterTopic = deadLetterTopic });
        }
        await app.StartAsync();
        _app = app;
    }

    private async Task<IResult> HandleAsync(HttpContext context, string topic, Func<int, Reply> script)
    {
        var concurrent = Interlocked.Increment(ref _inHandler);
        lock (_release) MaxConcurrent = Math.Max(MaxConcurrent, concurrent);
        try
        {
            var cloudEvent = JsonNode.Parse((string)context.Items["cloudevent"]!)!.AsObject();
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var id = cloudEvent["id"]!.GetValue<string>();
            var attempt = _attempts.AddOrUpdate((topic, id), 1, (_, n) => n + 1);
            var reply = script(attempt);
            _deliveries.Enqueue(new Delivery(topic, id, attempt, cloudEvent, body, (string?)context.Items["contenttype"],
                context.Request.Headers["traceparent"].FirstOrDefault(), reply, DateTimeOffset.UtcNow));
            if (reply.Held) await _release.Task.WaitAsync(context.RequestAborted);
            if (reply.Hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return Results.Empty;
            }
            return reply.Status is null
                ? Results.StatusCode(reply.StatusCode)
                : Results.Json(new { status = reply.Status }, statusCode: reply.StatusCode);
        }
        finally
        {
            Interlocked.Decrement(ref _inHandler);
        }
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
