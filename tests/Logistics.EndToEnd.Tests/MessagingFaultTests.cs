using System.Net;
using System.Net.Http.Json;
using Dapr.Client;
using Logistics.Events.V1;
using Logistics.Testing;

namespace Logistics.EndToEnd.Tests;

/// <summary>At-least-once delivery with nothing lost and nothing applied twice, proven with kill -9 on the real processes.</summary>
[Collection(StackCollection.Name)]
public sealed class MessagingFaultTests(TestStack stack)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    private static string NewPartNumber() => "F" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>A Redis stream id ("ms-seq") as one comparable number.</summary>
    private static Int128 StreamId(string id) =>
        (Int128)long.Parse(id.Split('-')[0]) * 1_000_000_000 + long.Parse(id.Split('-')[1]);

    private async Task<HttpStatusCode> RequestablePartStatus(HttpClient engineer, string partNumber)
    {
        using var response = await engineer.GetAsync($"/api/v1/requestable-parts/{partNumber}");
        return response.StatusCode;
    }

    [Fact]
    public async Task An_event_published_while_the_subscriber_is_killed_is_delivered_after_it_restarts()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("admin1", "admin");
        using var engineer = await stack.RestAsAsync("e1", "engineer");

        stack.Stack.Kill("requests"); // kill -9
        try
        {
            using var put = await admin.PutAsJsonAsync($"/api/v1/parts/{partNumber}", new { description = "Disk 1.2TB SAS", serialized = true });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            // The event is on its way (published, not yet delivered) while requests is down.
            await Eventually.Until(async () => await stack.ScalarAsync<DateTime?>(
                    "SELECT published_at FROM inventory.outbox WHERE payload->>'partNumber' = $1", partNumber) is not null,
                Delivery, "inventory to publish the event");
        }
        finally
        {
            await stack.Stack.RestartAsync("requests");
        }

        await Eventually.Until(async () => await RequestablePartStatus(engineer, partNumber) == HttpStatusCode.OK,
            Delivery, "the restarted requests service to receive the event");
    }

    [Fact]
    public async Task An_outbox_row_written_just_before_the_publisher_crashed_is_published_after_restart()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("admin1", "admin");
        using var engineer = await stack.RestAsAsync("e1", "engineer");

        // With its sidecar gone, inventory commits the part and its event, but cannot publish...
        stack.Stack.Kill("inventory-sidecar");
        try
        {
            using var put = await admin.PutAsJsonAsync($"/api/v1/parts/{partNumber}", new { description = "Controller", serialized = true });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(1L, await stack.ScalarAsync<long>(
                "SELECT count(*) FROM inventory.outbox WHERE payload->>'partNumber' = $1 AND published_at IS NULL", partNumber));
            // ...and then inventory itself dies with the row still unpublished.
            stack.Stack.Kill("inventory");
        }
        finally
        {
            await stack.Stack.RestartAsync("inventory", "inventory-sidecar");
        }

        await Eventually.Until(async () => await RequestablePartStatus(engineer, partNumber) == HttpStatusCode.OK,
            Delivery, "the restarted inventory to publish the row left in its outbox");
        // The relay marks the row once the sidecar took it (the subscriber may have handled it a moment earlier).
        await Eventually.Until(async () => await stack.ScalarAsync<DateTime?>(
                "SELECT published_at FROM inventory.outbox WHERE payload->>'partNumber' = $1", partNumber) is not null,
            Delivery, "the outbox row to be marked published");
    }

    [Fact]
    public async Task A_duplicate_delivery_of_an_event_changes_nothing()
    {
        var partNumber = NewPartNumber();
        using var engineer = await stack.RestAsAsync("e1", "engineer");
        using var dapr = stack.SidecarOf("inventory"); // inventory publishes part-catalogued
        var eventId = Guid.NewGuid().ToString();
        var metadata = new Dictionary<string, string> { ["cloudevent.id"] = eventId, ["cloudevent.type"] = PartCatalogued.Descriptor.FullName };

        // The same event id twice, as a redelivery would bring it; the second carries other content to make any effect visible.
        await dapr.PublishEventAsync("logistics-pubsub", EventTopics.PartCatalogued,
            new { partNumber, description = "First", serialized = true, unit = "pcs", version = "1" }, metadata);
        await Eventually.Until(async () => await RequestablePartStatus(engineer, partNumber) == HttpStatusCode.OK, Delivery, "the first delivery");
        await dapr.PublishEventAsync("logistics-pubsub", EventTopics.PartCatalogued,
            new { partNumber, description = "Second", serialized = true, unit = "pcs", version = "2" }, metadata);

        // Both reach the requests sidecar; the second is acknowledged without effect.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var second = await Eventually.Until(async () => (await db.StreamRangeAsync(EventTopics.PartCatalogued))
                .LastOrDefault(e => ((string?)e["data"])?.Contains("\"Second\"") == true),
            e => !e.IsNull, Delivery, "the second publish to reach the stream");
        await Eventually.Until(async () =>
            {
                var group = (await db.StreamGroupInfoAsync(EventTopics.PartCatalogued)).Single(g => g.Name == "requests");
                return group.PendingMessageCount == 0 && StreamId(group.LastDeliveredId!) >= StreamId(second.Id!);
            }, Delivery, "the requests sidecar to deliver and acknowledge the duplicate");
        var description = await stack.ScalarAsync<string>("SELECT description FROM requests.requestable_parts WHERE part_number = $1", partNumber);
        Assert.Equal("First", description);
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId));
    }
}
