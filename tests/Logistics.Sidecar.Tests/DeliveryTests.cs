using System.Net;
using System.Text;
using Logistics.Sidecar.Tests.Harness;
using static Logistics.Sidecar.Tests.Harness.SidecarEnvironment;

namespace Logistics.Sidecar.Tests;

/// <summary>How the sidecar reads the subscriber's answers: acknowledge, retry, drop, dead-letter.</summary>
public sealed class DeliveryTests(SidecarEnvironment env) : IClassFixture<SidecarEnvironment>
{
    [Fact]
    public async Task Success_is_acknowledged_and_not_delivered_again()
    {
        // Dapr rule: a 2xx with {"status":"SUCCESS"} (or an empty body) means processed: the entry is acknowledged
        // (XACK) and never redelivered, even after processingTimeout.
        var topic = Unique("ok");
        var empty = Unique("ok-empty");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success).Subscribe(empty, Reply.EmptyOk);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);
        await PublishAsync(sidecar, empty);

        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
        await Waits.ForDeliveriesAsync(subscriber, empty, 1, sidecar);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.UntilAcknowledgedAsync(env, empty, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 1, sidecar);
        Assert.Single(subscriber.DeliveriesOf(empty));
    }

    [Fact]
    public async Task New_events_are_awaited_with_a_blocking_read_on_a_connection_of_their_own()
    {
        // pubsub.redis waits for new entries with XREADGROUP ... BLOCK (no polling interval): an idle subscription
        // holds a connection blocked in XREADGROUP, and an event published then is read by that blocked call.
        var topic = Unique("blocking");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Success);
        await subscriber.StartAsync();
        await using var sidecar = env.StartSidecar(Unique("app"), subscriber.Port);
        await sidecar.WaitReadyAsync();

        static bool BlockedReader(string client) =>
            client.Contains("name=local-sidecar-reader", StringComparison.Ordinal) && client.Contains("cmd=xreadgroup", StringComparison.Ordinal)
            && System.Text.RegularExpressions.Regex.IsMatch(client, @"\bflags=\w*b");
        var deadline = DateTime.UtcNow + WaitTimeout;
        while (!(await env.ClientsAsync()).Any(BlockedReader))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no sidecar connection blocked in XREADGROUP; clients:\n{string.Join('\n', await env.ClientsAsync())}");
            await Task.Delay(50);
        }

        await PublishAsync(sidecar, topic);
        await Waits.ForDeliveriesAsync(subscriber, topic, 1, sidecar);
    }

    [Fact]
    public async Task Only_what_the_workers_can_take_is_read_so_little_is_pending_when_the_app_is_slow()
    {
        // An entry read is pending until acknowledged, and a killed sidecar's pending entries wait processingTimeout
        // for the next one. So the sidecar reads new entries only for free workers (the default concurrency 10: ten
        // in hand), never queueDepth ahead: twenty more events behind ten hung deliveries stay unread.
        var topic = Unique("no-read-ahead");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.Hangs);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        for (var i = 0; i < 30; i++) await PublishAsync(sidecar, topic);
        await Waits.ForDeliveriesAsync(subscriber, topic, 10, sidecar);
        await Task.Delay(500); // time for a read-ahead to show, well inside the 2 s processingTimeout of the hung deliveries

        Assert.Equal(10, await env.PendingAsync(topic, appId));
    }

    [Fact]
    public async Task Retry_status_is_delivered_again_until_the_app_succeeds()
    {
        // Dapr rule: {"status":"RETRY"} asks for redelivery; the inbound resiliency retry policy spaces the
        // attempts; the same event (same id) comes back until the app answers SUCCESS, then it is acknowledged.
        var topic = Unique("retry");
        await using var subscriber = new TestSubscriber().Subscribe(topic, attempt => attempt <= 2 ? Reply.Retry : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 3, sidecar);
        Assert.Equal([1, 2, 3], deliveries.Select(d => d.Attempt));
        Assert.Single(deliveries.Select(d => d.EventId).Distinct());
        Assert.All(deliveries.Zip(deliveries.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromMilliseconds(80), "retries wait the policy's 100 ms"));
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 3, sidecar);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_without_a_dead_letter_topic_the_event_is_acknowledged_when_the_retries_run_out()
    {
        // Dapr rule: any status other than 2xx and 404 (here 500) is retriable; the inbound retry policy gives 1 + maxRetries
        // attempts. Then daprd fails the message and pubsub.redis acknowledges it (Dapr 1.17+, components-contrib#4208):
        // without a dead-letter topic the event is gone, never redelivered. (The services all have one.)
        var topic = Unique("errors");
        await using var subscriber = new TestSubscriber().Subscribe(topic, Reply.ServerError);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 1 + InboundMaxRetries, sidecar);
        Assert.Equal(Enumerable.Range(1, 1 + InboundMaxRetries), deliveries.Select(d => d.Attempt));
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 1 + InboundMaxRetries, sidecar);
        Assert.Contains("acknowledged without a dead-letter topic", sidecar.Log);
    }

    [Fact]
    public async Task A_delivery_still_unanswered_at_processing_timeout_stays_pending_and_is_redelivered_until_success()
    {
        // pubsub.redis rule: the handler has processingTimeout; when that runs out the event is not acknowledged but left
        // pending, and the reclaim loop claims it once it has been pending for processingTimeout and delivers it anew.
        var topic = Unique("timeout");
        await using var subscriber = new TestSubscriber().Subscribe(topic, attempt => attempt == 1 ? Reply.Hangs : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        var deliveries = await Waits.ForDeliveriesAsync(subscriber, topic, 2, sidecar);
        Assert.Equal(deliveries[0].EventId, deliveries[1].EventId);
        Assert.True(deliveries[1].At - deliveries[0].At >= ProcessingTimeout - TimeSpan.FromMilliseconds(250),
            $"redelivered {(deliveries[1].At - deliveries[0].At).TotalMilliseconds} ms after the first attempt: expected at least processingTimeout");
        Assert.Contains("left pending, redelivered after", sidecar.Log);
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 2, sidecar);
    }

    [Fact]
    public async Task Drop_and_not_found_are_not_delivered_again()
    {
        // Dapr rule: {"status":"DROP"} and HTTP 404 are not retried: the event is logged as dropped and acknowledged,
        // never redelivered; with no dead-letter topic it is gone.
        var drop = Unique("drop");
        var notFound = Unique("notfound");
        await using var subscriber = new TestSubscriber().Subscribe(drop, Reply.Drop).Subscribe(notFound, Reply.NotFound);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, drop);
        await PublishAsync(sidecar, notFound);

        await Waits.ForDeliveriesAsync(subscriber, drop, 1, sidecar);
        await Waits.ForDeliveriesAsync(subscriber, notFound, 1, sidecar);
        await Waits.UntilAcknowledgedAsync(env, drop, appId, sidecar);
        await Waits.UntilAcknowledgedAsync(env, notFound, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, drop, 1, sidecar);
        Assert.Single(subscriber.DeliveriesOf(notFound));
        Assert.Contains("status DROP; dropped", sidecar.Log);
        Assert.Contains("HTTP 404; dropped", sidecar.Log);
    }

    [Fact]
    public async Task Dead_letter_topic_gets_the_event_only_after_its_retries_are_exhausted()
    {
        // Dapr rule: when delivery keeps failing and the retry policy is exhausted, an event whose subscription has
        // a deadLetterTopic is published there unchanged (same id, same CloudEvent) and acknowledged on its topic. The local
        // sidecar adds two extension attributes, why and after how many attempts (daprd adds none; readers take them as optional).
        var topic = Unique("poison");
        var dead = topic + "-dead";
        await using var subscriber = new TestSubscriber()
            .Subscribe(topic, Reply.ServerError, deadLetterTopic: dead)
            .Subscribe(dead, Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, topic);

        var dlq = (await Waits.ForDeliveriesAsync(subscriber, dead, 1, sidecar))[0];
        var attempts = subscriber.DeliveriesOf(topic);
        Assert.Equal(1 + InboundMaxRetries, attempts.Count);
        Assert.True(dlq.At >= attempts[^1].At, "dead-lettered after the last attempt");
        Assert.Equal(attempts[0].EventId, dlq.EventId);
        var kept = dlq.CloudEvent.DeepClone().AsObject();
        Assert.Equal(1 + InboundMaxRetries, (int)kept["deadletterattempts"]!);
        Assert.StartsWith("HTTP 500", (string)kept["deadletterreason"]!);
        kept.Remove("deadletterattempts");
        kept.Remove("deadletterreason");
        Assert.Equal(attempts[0].CloudEvent.ToJsonString(), kept.ToJsonString());
        await Waits.UntilAcknowledgedAsync(env, topic, appId, sidecar);
        await Waits.NoMoreDeliveriesAsync(subscriber, topic, 1 + InboundMaxRetries, sidecar);
        Assert.Single(subscriber.DeliveriesOf(dead));
    }

    [Fact]
    public async Task Dropped_events_go_to_the_dead_letter_topic_when_the_subscription_has_one()
    {
        // Dapr rule (daprd 1.13+ for DROP, later releases for 404 too): a dropped event is sent to the
        // subscription's deadLetterTopic when it has one, at once and without retries, then acknowledged.
        var drop = Unique("drop-dl");
        var notFound = Unique("notfound-dl");
        await using var subscriber = new TestSubscriber()
            .Subscribe(drop, Reply.Drop, deadLetterTopic: drop + "-dead")
            .Subscribe(notFound, Reply.NotFound, deadLetterTopic: notFound + "-dead")
            .Subscribe(drop + "-dead", Reply.Success)
            .Subscribe(notFound + "-dead", Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port);
        await sidecar.WaitReadyAsync();

        await PublishAsync(sidecar, drop);
        await PublishAsync(sidecar, notFound);

        var dropped = (await Waits.ForDeliveriesAsync(subscriber, drop + "-dead", 1, sidecar))[0].CloudEvent;
        var gone = (await Waits.ForDeliveriesAsync(subscriber, notFound + "-dead", 1, sidecar))[0].CloudEvent;
        Assert.Equal(("HTTP 200 status DROP", 1), ((string)dropped["deadletterreason"]!, (int)dropped["deadletterattempts"]!));
        Assert.Equal(("HTTP 404", 1), ((string)gone["deadletterreason"]!, (int)gone["deadletterattempts"]!));
        Assert.Single(subscriber.DeliveriesOf(drop));
        Assert.Single(subscriber.DeliveriesOf(notFound));
        await Waits.UntilAcknowledgedAsync(env, drop, appId, sidecar);
        await Waits.UntilAcknowledgedAsync(env, notFound, appId, sidecar);
    }

    [Fact]
    public async Task With_concurrency_1_events_of_a_subscription_are_delivered_one_at_a_time_in_publish_order()
    {
        // pubsub.redis `concurrency: 1` (the default is 10): one worker, so one event of a subscription at a time, in
        // stream order, even when one of them needs a retry.
        var topic = Unique("ordered");
        var delivered = 0;
        // The fourth delivery (event 3) is asked to retry: the later events must wait for it.
        await using var subscriber = new TestSubscriber().Subscribe(topic, _ => Interlocked.Increment(ref delivered) == 4 ? Reply.Retry : Reply.Success);
        await subscriber.StartAsync();
        var appId = Unique("app");
        await using var sidecar = env.StartSidecar(appId, subscriber.Port, env.ScopedResources(new Dictionary<string, string> { ["concurrency"] = "1" }));
        await sidecar.WaitReadyAsync();

        using (var dapr = sidecar.CreateDaprClient())
            for (var i = 0; i < 10; i++) await dapr.PublishEventAsync(Pubsub, topic, new { sequence = i });

        await Eventually(() => subscriber.DeliveriesOf(topic).Count(d => d.Reply == Reply.Success) == 10, sidecar);
        var succeeded = subscriber.DeliveriesOf(topic).Where(d => d.Reply == Reply.Success).Select(d => int.Parse(d.CloudEvent["data"]!["sequence"]!.ToJsonString()));
        Assert.Equal(Enumerable.Range(0, 10), succeeded);
        Assert.Equal(11, subscriber.DeliveriesOf(topic).Count);
        Assert.Equal(1, subscriber.MaxConcurrent);
    }

    private static async Task PublishAsync(SidecarProcess sidecar, string topic)
    {
        using var content = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json");
        using var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task Eventually(Func<bool> done, SidecarProcess sidecar)
    {
        try
        {
            await Logistics.Testing.Eventually.Until(() => Task.FromResult(done()), WaitTimeout, "the deliveries");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{sidecar.Process.LogTail(60)}", e);
        }
    }
}
