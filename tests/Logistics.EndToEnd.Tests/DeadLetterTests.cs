using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Dead letters end to end: a subscriber that cannot apply an event (the services' test-only event drill refuses events
/// holding a marker) sends it to its dead-letter topic, the service keeps it, an admin lists it, the bug is "fixed"
/// (the marker removed) and the replay applies the event exactly once; discarding records who, when and why; every bad
/// call is refused and changes nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DeadLetterTests(TestStack stack)
{
    private static string NewPartNumber() => "DL" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static string Letters(string service) => $"/api/v1/services/{service}/dead-letters";

    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The service's `logistics_dead_letters_waiting` gauge, as Prometheus would scrape it.</summary>
    private async Task<double> DeadLettersWaitingAsync(string service)
    {
        var text = await Scraper.GetStringAsync($"http://127.0.0.1:{stack.Stack.Layout.App(service).HttpPort}/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("logistics_dead_letters_waiting", StringComparison.Ordinal) && !l.StartsWith("logistics_dead_letters_waiting_", StringComparison.Ordinal))
            // `name{labels} value [timestamp]`
            .Sum(l => double.Parse(l[(Math.Max(l.LastIndexOf('}'), l.IndexOf(' ')) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits for the service's dead letter of the part's catalogue event (the event whose data names the part).</summary>
    private async Task<JsonElement> DeadLetterOfAsync(HttpClient admin, string service, string partNumber) =>
        await Eventually.Until(async () =>
            {
                var list = await Ok(await admin.GetAsync(Letters(service) + "?state=waiting&pageSize=500"));
                return list.TryGetProperty("deadLetters", out var letters)
                    ? letters.EnumerateArray().Where(l => Text(l, "data").Contains(partNumber, StringComparison.Ordinal)).Select(l => (JsonElement?)l).FirstOrDefault()
                    : null;
            }, l => l is not null, Settle, $"{service}'s dead letter for part {partNumber}") ?? default;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, int Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            return (response.StatusCode, doc.RootElement.TryGetProperty("code", out var c) ? c.GetInt32() : 0,
                doc.RootElement.TryGetProperty("message", out var m) ? m.GetString()! : "");
        }
    }

    private async Task<HttpStatusCode> RequestablePartStatusAsync(HttpClient engineer, string partNumber)
    {
        using var response = await engineer.GetAsync($"/api/v1/requestable-parts/{partNumber}");
        return response.StatusCode;
    }

    /// <summary>The letter's row as stored, to prove a refused call changed nothing.</summary>
    private Task<string?> RowAsync(string service, string id) =>
        stack.ScalarAsync<string>($"SELECT row_to_json(d)::text FROM {service}.dead_letters d WHERE id = $1::uuid", id);

    [Fact]
    public async Task An_event_that_failed_is_kept_and_after_the_fix_a_replay_applies_it_exactly_once()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("dl-admin1", "admin");
        using var engineer = await stack.RestAsAsync("dl-e1", "engineer");
        stack.FailEventsContaining(partNumber); // the "bug": every subscriber refuses this part's events

        using (var put = await admin.PutAsJsonAsync($"/api/v1/parts/{partNumber}", new { description = "Dead-letter drill board", serialized = true }))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // Kept by requests, with the original event, its topic, why and how many tries.
        var letter = await DeadLetterOfAsync(admin, "requests", partNumber);
        var id = Text(letter, "deadLetterId");
        var eventId = Text(letter, "eventId");
        Assert.Equal(("part-catalogued", "inventory", "waiting", "requests"), (Text(letter, "topic"), Text(letter, "source"), Text(letter, "state"), Text(letter, "service")));
        Assert.Contains("test drill", Text(letter, "error"));
        Assert.Contains("DROP", Text(letter, "error"));
        Assert.Equal(1, Number(letter, "attempts"));
        Assert.Equal(partNumber, JsonDocument.Parse(Text(letter, "data")).RootElement.GetProperty("partNumber").GetString());
        Assert.Equal(eventId, await stack.ScalarAsync<string>("SELECT id::text FROM inventory.outbox WHERE payload->>'partNumber' = $1", partNumber));
        var list = await Ok(await admin.GetAsync(Letters("requests")));
        Assert.True(Number(list, "waiting") >= 1);
        var one = await Ok(await admin.GetAsync($"{Letters("requests")}/{id}"));
        Assert.Equal((eventId, "waiting"), (Text(one, "eventId"), Text(one, "state")));
        Assert.Equal(HttpStatusCode.NotFound, await RequestablePartStatusAsync(engineer, partNumber));

        // Replayed before the fix: refused, and the letter still waits.
        var before = await RowAsync("requests", id);
        var early = await ErrorAsync(await PostAsync(admin, $"{Letters("requests")}/{id}:replay", new { }));
        Assert.Equal((HttpStatusCode.BadRequest, 9), (early.Status, early.Code)); // FAILED_PRECONDITION
        Assert.Contains("still cannot be applied", early.Message);
        Assert.Equal(before, await RowAsync("requests", id));
        Assert.Equal(0L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId));

        // The fix, then the replay: applied once, through the normal subscriber (inbox row and all).
        stack.StopFailingEventsContaining(partNumber);
        var key = Guid.NewGuid().ToString();
        var replayed = await Ok(await PostAsync(admin, $"{Letters("requests")}/{id}:replay", new { }, key));
        Assert.Equal(("replayed", "applied", "dl-admin1"), (Text(replayed, "state"), Text(replayed, "replayOutcome"), Text(replayed, "decidedBy")));
        Assert.Equal(HttpStatusCode.OK, await RequestablePartStatusAsync(engineer, partNumber));
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId));
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.requestable_parts WHERE part_number = $1", partNumber));

        // The same replay again (same idempotency key) answers the first answer; a new replay is refused: nothing applies twice.
        var again = await Ok(await PostAsync(admin, $"{Letters("requests")}/{id}:replay", new { }, key));
        Assert.Equal(Text(replayed, "decidedAt"), Text(again, "decidedAt"));
        var twice = await ErrorAsync(await PostAsync(admin, $"{Letters("requests")}/{id}:replay", new { }));
        Assert.Equal((HttpStatusCode.BadRequest, 9), (twice.Status, twice.Code));
        Assert.Contains("already replayed", twice.Message);
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId));

        // doa dead-lettered the same event. Redelivered after the fix (same CloudEvent id), it is applied by doa and
        // ignored by requests (already applied); replaying doa's letter afterwards applies nothing again.
        var doaLetter = await DeadLetterOfAsync(admin, "doa", partNumber);
        Assert.Equal(eventId, Text(doaLetter, "eventId"));
        using (var dapr = stack.SidecarOf(stack.PublisherOf("part-catalogued")))
            await dapr.PublishEventAsync(stack.Stack.Layout.PubsubName, "part-catalogued", JsonDocument.Parse(Text(doaLetter, "data")).RootElement,
                new Dictionary<string, string> { ["cloudevent.id"] = eventId });
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.inbox WHERE event_id = $1", eventId) == 1,
            Settle, "doa to apply the redelivered event");
        var doaReplay = await Ok(await PostAsync(admin, $"{Letters("doa")}/{Text(doaLetter, "deadLetterId")}:replay", new { }));
        Assert.Equal(("replayed", "already-applied"), (Text(doaReplay, "state"), Text(doaReplay, "replayOutcome")));
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.inbox WHERE event_id = $1", eventId));
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.inbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task Discarding_records_who_when_and_why_and_bad_calls_change_nothing()
    {
        var partNumber = NewPartNumber();
        using var admin = await stack.RestAsAsync("dl-admin2", "admin");
        using var supervisor = await stack.RawRestAsAsync("dl-s1", "supervisor");
        using var auditor = await stack.RawRestAsAsync("dl-a1", "auditor");
        using var engineer = await stack.RestAsAsync("dl-e2", "engineer");
        stack.FailEventsContaining(partNumber);
        try
        {
            using (var put = await admin.PutAsJsonAsync($"/api/v1/parts/{partNumber}", new { description = "Dead-letter drill disk", serialized = true }))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var letter = await DeadLetterOfAsync(admin, "requests", partNumber);
            var id = Text(letter, "deadLetterId");
            var path = $"{Letters("requests")}/{id}";
            var stored = await RowAsync("requests", id);
            var keys = await stack.ScalarAsync<long>("SELECT count(*) FROM requests.idempotency_keys");

            // Other roles: refused at the gateway, for reading and for deciding.
            foreach (var other in new[] { supervisor, auditor })
            {
                using (var read = await other.GetAsync(Letters("requests"))) Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
                using (var refused = await PostAsync(other, $"{path}:discard", new { reason = "not mine to discard" }))
                    Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                using (var denied = await PostAsync(other, $"{path}:replay", new { })) Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            }

            // A reason is required and checked; the field is named.
            foreach (var body in new object[] { new { }, new { reason = "" }, new { reason = "   " }, new { reason = new string('x', 501) }, new { reason = "bad\u0001char" } })
            {
                var error = await ErrorAsync(await PostAsync(admin, $"{path}:discard", body));
                Assert.Equal((HttpStatusCode.BadRequest, 3), (error.Status, error.Code)); // INVALID_ARGUMENT
                Assert.StartsWith("reason:", error.Message);
            }
            // Unknown and malformed ids.
            var unknown = await ErrorAsync(await PostAsync(admin, $"{Letters("requests")}/{Guid.NewGuid()}:discard", new { reason = "gone" }));
            Assert.Equal((HttpStatusCode.NotFound, 5), (unknown.Status, unknown.Code));
            var malformed = await ErrorAsync(await PostAsync(admin, $"{Letters("requests")}/not-a-uuid:discard", new { reason = "gone" }));
            Assert.Equal((HttpStatusCode.BadRequest, 3), (malformed.Status, malformed.Code));
            Assert.StartsWith("dead_letter_id:", malformed.Message);
            using (var missing = await admin.GetAsync($"{Letters("requests")}/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using (var badState = await admin.GetAsync($"{Letters("requests")}?state=lost")) Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);

            Assert.Equal(stored, await RowAsync("requests", id)); // nothing changed
            Assert.Equal(keys, await stack.ScalarAsync<long>("SELECT count(*) FROM requests.idempotency_keys"));

            // The waiting letter is counted for the DeadLettersWaiting alert, and stops being counted once decided.
            var waiting = await Eventually.Until(() => DeadLettersWaitingAsync("requests"), n => n >= 1, Settle, "requests' dead letters waiting gauge");

            // Discarded with a reason: who, when, why recorded; the event is not applied.
            var start = DateTimeOffset.UtcNow.AddSeconds(-5);
            var discarded = await Ok(await PostAsync(admin, $"{path}:discard", new { reason = "  Test part catalogued by mistake; withdrawn.  " }));
            var end = DateTimeOffset.UtcNow.AddSeconds(5);
            Assert.Equal(("discarded", "dl-admin2", "Test part catalogued by mistake; withdrawn."),
                (Text(discarded, "state"), Text(discarded, "decidedBy"), Text(discarded, "discardReason")));
            var at = DateTimeOffset.Parse(Text(discarded, "decidedAt"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(at, start, end);
            Assert.Equal("dl-admin2", await stack.ScalarAsync<string>("SELECT decided_by FROM requests.dead_letters WHERE id = $1::uuid", id));
            await Eventually.Until(() => DeadLettersWaitingAsync("requests"), n => n == waiting - 1, Settle, "the gauge to drop by the discarded letter");
            Assert.Equal("Test part catalogued by mistake; withdrawn.",
                await stack.ScalarAsync<string>("SELECT discard_reason FROM requests.dead_letters WHERE id = $1::uuid", id));

            // Decided once: a second discard or a replay is refused and changes nothing; the event was never applied.
            var decided = await RowAsync("requests", id);
            var again = await ErrorAsync(await PostAsync(admin, $"{path}:discard", new { reason = "twice" }));
            Assert.Equal((HttpStatusCode.BadRequest, 9), (again.Status, again.Code));
            stack.StopFailingEventsContaining(partNumber);
            var replay = await ErrorAsync(await PostAsync(admin, $"{path}:replay", new { }));
            Assert.Equal((HttpStatusCode.BadRequest, 9), (replay.Status, replay.Code));
            Assert.Equal(decided, await RowAsync("requests", id));
            Assert.Equal(HttpStatusCode.NotFound, await RequestablePartStatusAsync(engineer, partNumber));

            var discardedList = await Ok(await admin.GetAsync(Letters("requests") + "?state=discarded&pageSize=500"));
            Assert.Contains(discardedList.GetProperty("deadLetters").EnumerateArray(), l => Text(l, "deadLetterId") == id);

            // doa's letter of the same event: discarded too, so the drill leaves nothing waiting behind.
            var doaLetter = await DeadLetterOfAsync(admin, "doa", partNumber);
            await Ok(await PostAsync(admin, $"{Letters("doa")}/{Text(doaLetter, "deadLetterId")}:discard", new { reason = "Drill event; the part was withdrawn." }));
        }
        finally
        {
            stack.StopFailingEventsContaining(partNumber);
        }
    }
}
