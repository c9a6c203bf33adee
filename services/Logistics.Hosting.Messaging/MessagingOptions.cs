namespace Logistics.Hosting.Messaging;

/// <summary>Config section `Messaging`.</summary>
public sealed class MessagingOptions
{
    /// <summary>The Dapr pub/sub component every service publishes to and subscribes on.</summary>
    public string PubsubName { get; set; } = "logistics-pubsub";

    /// <summary>The app id; names the dead-letter topic of this service's subscriptions.</summary>
    public string AppId { get; set; } = "";

    /// <summary>
    /// How often the relay looks for unpublished rows nothing woke it for: rows of another replica or of a job that did
    /// not commit through <see cref="Data.CommitSignal.CommitAsync"/> (a safety net, not the normal path).
    /// </summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// How many of a batch's rows the relay publishes at once. Subscribers do not depend on the order of events
    /// (docs/messaging.md), and publishing one after another made every event of a busy service wait for the whole
    /// batch before it: its lag grew with the batch. 1 publishes one at a time.
    /// </summary>
    public int OutboxPublishConcurrency { get; set; } = 8;

    /// <summary>Upper bound of the relay's back-off while the sidecar or broker is unreachable.</summary>
    public TimeSpan OutboxMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long published outbox rows are kept (for looking into what was sent) before they are deleted.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long inbox rows are kept. A redelivery older than this would be applied again, so it must exceed the
    /// longest a message can stay pending in the broker.
    /// </summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a command's idempotency key answers a retry (as long as the stock scripts' keys in Redis).</summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where a subscription's message goes once the sidecar's retries are exhausted.</summary>
    public string DeadLetterTopic => $"dead-letter.{AppId}";
}
