using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Logistics.LocalSidecar.Pubsub;
using Logistics.LocalSidecar.Resources;
using StackExchange.Redis;

namespace Logistics.LocalSidecar.Delivery;

/// <summary>
/// Delivers one subscription's events to the app, as daprd with pubsub.redis does: new entries are read with a
/// blocking XREADGROUP the moment they are added, reclaimed ones come from the reclaim loop, and both go to
/// `concurrency` workers (10 by default, as pubsub.redis: up to 10 events of the subscription at the app at once, in no
/// set order). Unlike pubsub.redis it reads only as many entries as there are free workers (not queueDepth ahead): an
/// entry read becomes pending, and the pending entries of a sidecar killed with a full queue would wait
/// processingTimeout to be delivered again. An event is acknowledged (XACK) once the app took it or dropped it, once it
/// went to the dead-letter topic, or once its retries ran out (pubsub.redis since Dapr 1.17); a delivery cut short by
/// processingTimeout or by the sidecar's end stays pending, and the reclaim loop delivers it again after
/// processingTimeout, in this process or in the next one for the same app id.
/// </summary>
public sealed class SubscriptionRunner
{
    private static readonly TimeSpan RedisDownPause = TimeSpan.FromSeconds(1);

    private enum Outcome { Ack, DeadLetter, LeavePending }

    /// <summary>Why an event goes to the dead-letter topic and after how many deliveries: added to it as extension attributes.</summary>
    private readonly record struct Failure(string Reason, int Attempts);

    private readonly Subscription _subscription;
    private readonly RedisStreams _pubsub;
    private readonly RetryPolicy? _retry;
    private readonly AppChannel _app;
    private readonly Publisher _publisher;
    private readonly ILogger _log;
    private readonly Channel<StreamEntry> _queue = Channel.CreateUnbounded<StreamEntry>();
    // One slot per worker: an entry is read or claimed into the queue only with a slot in hand, released when handled.
    private readonly SemaphoreSlim _freeWorkers;
    // Entries read or claimed by this process and not finished yet: the reclaim loop leaves them alone.
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private int _redisDown;

    public SubscriptionRunner(Subscription subscription, RedisStreams pubsub, RetryPolicy? retry, AppChannel app, Publisher publisher, ILogger log)
    {
        _subscription = subscription;
        _pubsub = pubsub;
        _retry = retry;
        _app = app;
        _publisher = publisher;
        _log = log;
        _freeWorkers = new SemaphoreSlim(pubsub.Component.Concurrency, pubsub.Component.Concurrency);
    }

    private string Topic => _subscription.Topic;
    private string Name => $"{_subscription.PubsubName}/{_subscription.Topic}";
    private PubsubComponent Component => _pubsub.Component;

    /// <summary>Creates the consumer group (at the start of the stream), retrying while Redis is away.</summary>
    public async Task PrepareAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await _pubsub.EnsureGroupAsync(Topic);
                _log.LogInformation("subscribe {Subscription}: consumer group {Group}, concurrency {Concurrency}, inbound retry {Retry}",
                    _subscription, Component.ConsumerId, Component.Concurrency, _retry?.ToString() ?? "none");
                return;
            }
            catch (RedisException e)
            {
                ReportRedisDown("creating the consumer group", e);
                await Task.Delay(RedisDownPause, stopping);
            }
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var tasks = new List<Task> { PollAsync(stopping), ReclaimAsync(stopping) };
        for (var i = 0; i < Component.Concurrency; i++) tasks.Add(WorkAsync(stopping));
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: whatever was not acknowledged stays pending for the next sidecar.
        }
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        await using var reader = await _pubsub.OpenBlockingReaderAsync();
        while (true)
        {
            // Read only as many entries as there are free workers; stopping abandons a blocked read, and what it took
            // stays pending for the next sidecar of the app id.
            var slots = await TakeFreeWorkersAsync(stopping);
            StreamEntry[] entries;
            try
            {
                entries = await reader.ReadNewAsync(Topic, slots).WaitAsync(stopping);
                ReportRedisBack();
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                _freeWorkers.Release(slots);
                // The stream or group was deleted (or Redis lost its data): pubsub.redis recreates the group.
                _log.LogWarning("subscribe {Subscription}: consumer group {Group} is gone; recreating it", Name, Component.ConsumerId);
                await PrepareAsync(stopping);
                continue;
            }
            catch (RedisException e)
            {
                _freeWorkers.Release(slots);
                ReportRedisDown("reading new events", e);
                await Task.Delay(RedisDownPause, stopping);
                continue;
            }
            if (entries.Length < slots) _freeWorkers.Release(slots - entries.Length);
            foreach (var entry in entries)
            {
                _inFlight[entry.Id.ToString()] = 0;
                _queue.Writer.TryWrite(entry); // unbounded: never refused
            }
        }
    }

    /// <summary>Waits for one free worker, then takes every other one free at that moment.</summary>
    private async Task<int> TakeFreeWorkersAsync(CancellationToken stopping)
    {
        await _freeWorkers.WaitAsync(stopping);
        var slots = 1;
        while (slots < Component.Concurrency && _freeWorkers.Wait(0)) slots++;
        return slots;
    }

    /// <summary>pubsub.redis' redelivery: at start and every redeliverInterval, claim entries pending longer than processingTimeout.</summary>
    private async Task ReclaimAsync(CancellationToken stopping)
    {
        if (!Component.RedeliveryEnabled) return;
        using var timer = new PeriodicTimer(Component.RedeliverInterval);
        do
        {
            StreamEntry[] claimed;
            try
            {
                claimed = await _pubsub.ClaimIdleAsync(Topic, _inFlight.ContainsKey);
                ReportRedisBack();
            }
            catch (RedisException e)
            {
                ReportRedisDown("reclaiming pending events", e);
                continue;
            }
            if (claimed.Length > 0)
                _log.LogInformation("redeliver {Subscription}: {Count} event(s) unacknowledged for over {Timeout} s",
                    Name, claimed.Length, Component.ProcessingTimeout.TotalSeconds);
            foreach (var entry in claimed)
            {
                if (!_inFlight.TryAdd(entry.Id.ToString(), 0)) continue;
                await _freeWorkers.WaitAsync(stopping);
                _queue.Writer.TryWrite(entry);
            }
        }
        while (await timer.WaitForNextTickAsync(stopping));
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        await foreach (var entry in _queue.Reader.ReadAllAsync(stopping))
        {
            try
            {
                await HandleAsync(entry, stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError("deliver {Subscription}: entry {Entry} failed unexpectedly, left pending: {Error}", Name, entry.Id, e);
            }
            finally
            {
                _inFlight.TryRemove(entry.Id.ToString(), out _);
                _freeWorkers.Release();
            }
        }
    }

    private async Task HandleAsync(StreamEntry entry, CancellationToken stopping)
    {
        var data = entry[RedisStreams.DataField];
        var bytes = data.IsNull ? [] : (byte[])data!;
        var ce = ParseCloudEvent(bytes);
        var eventId = ce is null ? $"(entry {entry.Id})" : CloudEvents.StringField(ce, "id") ?? $"(entry {entry.Id})";

        Outcome outcome;
        var failure = new Failure("", 0);
        if (ce is null)
        {
            // daprd fails the message, so pubsub.redis acknowledges it (Dapr 1.17+) unless there is a dead-letter topic.
            _log.LogError("deliver {Subscription}: entry {Entry} is not a CloudEvent JSON object", Name, entry.Id);
            outcome = _subscription.DeadLetterTopic is null ? Outcome.Ack : Outcome.DeadLetter;
        }
        else if (CloudEvents.HasExpired(ce))
        {
            _log.LogWarning("deliver {Subscription}: event {Id} expired at {Expiration}; dropped", Name, eventId, CloudEvents.StringField(ce, "expiration"));
            outcome = DroppedOutcome();
            failure = new Failure($"expired at {CloudEvents.StringField(ce, "expiration")}", 0);
        }
        else if (_subscription.Path is null)
        {
            _log.LogWarning("deliver {Subscription}: event {Id} matches no route; dropped", Name, eventId);
            outcome = DroppedOutcome();
            failure = new Failure("matches no route", 0);
        }
        else
        {
            (outcome, failure) = await DeliverWithRetriesAsync(_subscription.Path, bytes, ce, eventId, stopping);
        }

        switch (outcome)
        {
            case Outcome.Ack:
                await AckAsync(entry, eventId);
                break;
            case Outcome.DeadLetter:
                await DeadLetterAsync(entry, ce is null ? bytes : WithFailure(ce, failure), eventId, stopping);
                break;
            case Outcome.LeavePending:
                break;
        }
    }

    /// <summary>daprd sends a dropped event to the subscription's dead-letter topic when it has one (Dapr 1.13+), else just acknowledges it.</summary>
    private Outcome DroppedOutcome() => _subscription.DeadLetterTopic is null ? Outcome.Ack : Outcome.DeadLetter;

    /// <summary>
    /// The event for the dead-letter topic: unchanged (same id, same `topic`, as daprd sends it) but for two CloudEvent
    /// extension attributes, `deadletterreason` (the last answer, with the app's `error` when it gave one) and
    /// `deadletterattempts`, so whoever reads the dead letters knows why. daprd adds neither; readers treat both as optional.
    /// </summary>
    private static byte[] WithFailure(JsonObject ce, Failure failure)
    {
        var copy = (JsonObject)ce.DeepClone();
        if (failure.Reason.Length > 0) copy[DeadLetterReasonAttribute] = failure.Reason;
        if (failure.Attempts > 0) copy[DeadLetterAttemptsAttribute] = failure.Attempts;
        return System.Text.Encoding.UTF8.GetBytes(copy.ToJsonString());
    }

    public const string DeadLetterReasonAttribute = "deadletterreason";
    public const string DeadLetterAttemptsAttribute = "deadletterattempts";

    private async Task<(Outcome, Failure)> DeliverWithRetriesAsync(string path, byte[] bytes, JsonObject ce, string eventId, CancellationToken stopping)
    {
        // pubsub.redis gives each delivery (all resiliency retries included) processingTimeout; past it the event
        // is left to the reclaim loop, so it is never delivered twice at the same time.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (Component.RedeliveryEnabled) session.CancelAfter(Component.ProcessingTimeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var last = "";
        for (var retry = 0; ; retry++)
        {
            DeliveryResult result;
            try
            {
                result = await _app.DeliverAsync(path, bytes, ce, _subscription.PubsubName, session.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return GiveUp(eventId, $"no answer within processingTimeout {Component.ProcessingTimeout.TotalSeconds} s", retry + 1, last, timedOut: true);
            }

            switch (result.Status)
            {
                case DeliveryStatus.Success:
                    _log.LogInformation("deliver {Subscription}: event {Id} -> /{Path}: {Result}", Name, eventId, path, result.Detail);
                    return (Outcome.Ack, default);
                case DeliveryStatus.Drop:
                    _log.LogWarning("deliver {Subscription}: event {Id} -> /{Path}: {Result}; dropped", Name, eventId, path, result.Detail);
                    return (DroppedOutcome(), new Failure(result.Detail, retry + 1));
            }
            last = result.Detail;

            if (_retry is null || !_retry.AllowsRetry(retry))
                return GiveUp(eventId, result.Detail, retry + 1, last);
            if (_retry.Delay(retry, clock.Elapsed) is not { } delay)
                return GiveUp(eventId, $"{result.Detail}; exponential retries stop after 15 minutes", retry + 1, last);

            _log.LogWarning("deliver {Subscription}: event {Id} -> /{Path}: {Result}; retry {Retry} in {Delay} ms",
                Name, eventId, path, result.Detail, retry + 1, (int)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, session.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return GiveUp(eventId, $"retries ran past processingTimeout {Component.ProcessingTimeout.TotalSeconds} s", retry + 1, last, timedOut: true);
            }
        }
    }

    /// <summary>
    /// Out of retries (or of time), as daprd decides it: to the dead-letter topic when the subscription has one.
    /// Otherwise daprd fails the message and pubsub.redis (Dapr 1.17+, components-contrib#4208) acknowledges it, so it is
    /// gone; only when processingTimeout ran out first does it stay pending, to be redelivered after processingTimeout.
    /// </summary>
    private (Outcome, Failure) GiveUp(string eventId, string reason, int attempts, string lastAnswer, bool timedOut = false)
    {
        // The app's last answer says more than "out of time"; keep both.
        var failure = new Failure(lastAnswer.Length > 0 && lastAnswer != reason ? $"{reason}; last answer {lastAnswer}" : reason, attempts);
        if (_subscription.DeadLetterTopic is not null)
        {
            _log.LogWarning("deliver {Subscription}: event {Id} failed after {Attempts} attempt(s) ({Reason}); dead-lettering it",
                Name, eventId, attempts, reason);
            return (Outcome.DeadLetter, failure);
        }
        if (timedOut)
        {
            _log.LogWarning("deliver {Subscription}: event {Id} failed after {Attempts} attempt(s) ({Reason}); left pending, redelivered after {Timeout} s",
                Name, eventId, attempts, reason, Component.ProcessingTimeout.TotalSeconds);
            return (Outcome.LeavePending, failure);
        }
        _log.LogError("deliver {Subscription}: event {Id} failed after {Attempts} attempt(s) ({Reason}); acknowledged without a dead-letter topic, " +
            "so it is not delivered again (pubsub.redis since Dapr 1.17)", Name, eventId, attempts, reason);
        return (Outcome.Ack, failure);
    }

    private async Task DeadLetterAsync(StreamEntry entry, byte[] bytes, string eventId, CancellationToken stopping)
    {
        var topic = _subscription.DeadLetterTopic!;
        try
        {
            await _publisher.PublishUnchangedAsync(_pubsub, topic, bytes, stopping);
        }
        catch (Exception e) when (e is PublishFailedException or PublishForbiddenException)
        {
            _log.LogError("dead-letter {Subscription}: event {Id} could not go to {DeadLetterTopic} ({Error}); left pending", Name, eventId, topic, e.Message);
            return;
        }
        _log.LogWarning("dead-letter {Subscription}: event {Id} sent to {Pubsub}/{DeadLetterTopic}", Name, eventId, _subscription.PubsubName, topic);
        await AckAsync(entry, eventId);
    }

    private async Task AckAsync(StreamEntry entry, string eventId)
    {
        try
        {
            await _pubsub.AckAsync(Topic, entry.Id);
        }
        catch (RedisException e)
        {
            // At least once: the event will be delivered again; subscribers are idempotent on the CloudEvent id.
            _log.LogWarning("deliver {Subscription}: event {Id} handled but not acknowledged ({Error}); it will be redelivered", Name, eventId, e.Message);
        }
    }

    private static JsonObject? ParseCloudEvent(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void ReportRedisDown(string what, RedisException e)
    {
        if (Interlocked.Exchange(ref _redisDown, 1) == 0)
            _log.LogWarning("subscribe {Subscription}: Redis unavailable while {What} ({Error}); retrying", Name, what, e.Message);
    }

    private void ReportRedisBack()
    {
        if (Interlocked.Exchange(ref _redisDown, 0) == 1)
            _log.LogInformation("subscribe {Subscription}: Redis is back", Name);
    }
}
