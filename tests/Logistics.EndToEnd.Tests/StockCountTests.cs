using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Logistics.Testing;

namespace Logistics.EndToEnd.Tests;

/// <summary>Stock counts through the gateway: blind counting, a movement making a line stale, recount by someone else, approval posting adjustments once.</summary>
[Collection(StackCollection.Name)]
public sealed class StockCountTests(TestStack stack)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private sealed record Setup(string Centre, string Board, string Cable, HttpClient Admin, HttpClient W1, HttpClient W2, HttpClient Supervisor) : IDisposable
    {
        public void Dispose()
        {
            foreach (var c in new[] { Admin, W1, W2, Supervisor }) c.Dispose();
        }
    }

    private async Task<Setup> StockedCentreAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var centre = $"CC-{id}";
        var s = new Setup(centre, $"BRD-{id}", $"CBL-{id}", await stack.RestAsAsync("admin1", "admin"),
            await stack.RestAsAsync("w1", ["warehouse"], [centre]), await stack.RestAsAsync("w2", ["warehouse"], [centre]),
            await stack.RestAsAsync("sup1", ["supervisor"], [centre]));
        (await s.Admin.PutAsJsonAsync($"/api/v1/centres/{s.Centre}", new { name = "Count centre", bins = new[] { "A-01", "A-02" } })).EnsureSuccessStatusCode();
        (await s.Admin.PutAsJsonAsync($"/api/v1/parts/{s.Board}", new { description = "Board", serialized = true })).EnsureSuccessStatusCode();
        (await s.Admin.PutAsJsonAsync($"/api/v1/parts/{s.Cable}", new { description = "Cable", serialized = false })).EnsureSuccessStatusCode();
        (await s.W1.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Board, bin = "A-01", serials = new[] { "S1", "S2", "S3" } })).EnsureSuccessStatusCode();
        (await s.W1.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Cable, bin = "A-02", quantity = 10 })).EnsureSuccessStatusCode();
        return s;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static object Line(string bin, string part, int counted, params string[] serials) => new { bin, partNumber = part, countedQuantity = counted, serialsSeen = serials };

    private static JsonElement LineOf(JsonElement count, string bin, string part) =>
        count.GetProperty("lines").EnumerateArray().Single(l => (l.TryGetProperty("bin", out var b) ? b.GetString() : "") == bin && l.GetProperty("partNumber").GetString() == part);

    private Task<long> CommandsOf(string countId) => stack.ScalarAsync<long>("SELECT count(*) FROM inventory.count_commands WHERE count_id = $1", countId).ContinueWith(t => t.Result);

    [Fact]
    public async Task A_blind_count_with_a_stale_line_and_a_recount_posts_exactly_the_reviewed_adjustments_once()
    {
        using var s = await StockedCentreAsync();
        var count = await Json(await s.W1.PostAsJsonAsync("/api/v1/counts", new { centreId = s.Centre, partNumbers = new[] { s.Board, s.Cable } }));
        var id = count.GetProperty("countId").GetString()!;
        Assert.Equal("Counting", count.GetProperty("state").GetString());
        Assert.True(count.GetProperty("blind").GetBoolean());

        // Blind: neither the counter nor a supervisor sees expected values while counting.
        foreach (var reader in new[] { s.W1, s.Supervisor })
        {
            var seen = await Json(await reader.GetAsync($"/api/v1/counts/{id}"));
            Assert.Equal(2, seen.GetProperty("lines").GetArrayLength());
            Assert.False(seen.GetProperty("review").GetBoolean());
            Assert.All(seen.GetProperty("lines").EnumerateArray(), l =>
            {
                Assert.False(l.TryGetProperty("expectedQuantity", out _));
                Assert.False(l.TryGetProperty("variance", out _));
                Assert.Equal(0, l.GetProperty("expectedSerials").GetArrayLength());
                Assert.Equal(0, l.GetProperty("missingSerials").GetArrayLength());
            });
        }

        await Json(await s.W1.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 2, "S1", "S2"), Line("", s.Cable, 10) } }));
        // Stock moves during the count: the cable line goes stale.
        (await s.W2.PostAsJsonAsync($"/api/v1/centres/{s.Centre}/goods-in", new { partNumber = s.Cable, bin = "A-02", quantity = 5 })).EnsureSuccessStatusCode();
        await Eventually.Until(async () => LineOf(await Json(await s.W1.GetAsync($"/api/v1/counts/{id}")), "", s.Cable).GetProperty("stale").GetBoolean(),
            Settle, "the cable line to go stale");
        using (var early = await s.Supervisor.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { }))
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode); // not ready for review

        var closed = await Json(await s.W1.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }));
        Assert.Equal("Recounting", closed.GetProperty("state").GetString());

        var commands = await CommandsOf(id);
        using (var own = await s.W1.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 2, "S1", "S2") } }))
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode); // a recount is by a different person
        Assert.Equal(commands, await CommandsOf(id));

        await Json(await s.W2.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 2, "S1", "S2"), Line("", s.Cable, 15) } }));
        Assert.Equal("ReadyToReview", (await Json(await s.W2.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }))).GetProperty("state").GetString());

        var review = await Json(await s.Supervisor.GetAsync($"/api/v1/counts/{id}"));
        Assert.True(review.GetProperty("review").GetBoolean());
        var board = LineOf(review, "A-01", s.Board);
        Assert.Equal(3, board.GetProperty("expectedQuantity").GetInt64());
        Assert.Equal(-1, board.GetProperty("variance").GetInt64());
        Assert.Equal(["S3"], board.GetProperty("missingSerials").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(15, LineOf(review, "", s.Cable).GetProperty("expectedQuantity").GetInt64()); // re-snapshotted, not the moved 10

        var approved = await Json(await s.Supervisor.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { }));
        var again = await Json(await s.Supervisor.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { })); // a retried call

        var adjustment = Assert.Single(approved.GetProperty("adjustments").EnumerateArray());
        Assert.Equal(["S3"], adjustment.GetProperty("serialsRemoved").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("missing", adjustment.GetProperty("reasonCode").GetString());
        Assert.Equal(approved.GetProperty("adjustments").GetRawText(), again.GetProperty("adjustments").GetRawText());
        var level = await Json(await s.W1.GetAsync($"/api/v1/centres/{s.Centre}/stock/{s.Board}"));
        Assert.Equal(2, level.GetProperty("onHand").GetInt64());
        await Eventually.Until(async () => await stack.ScalarAsync<long>(
            "SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'adjusted'", s.Centre) == 1, Settle, "one adjustment in the ledger");
        await Task.Delay(300); // a second posting, if there were one, would reach the ledger as quickly
        Assert.Equal(1L, await stack.ScalarAsync<long>("SELECT count(*) FROM inventory.movements WHERE centre_id = $1 AND kind = 'adjusted'", s.Centre));
        Assert.True(await stack.ScalarAsync<bool>("SELECT adjustments_posted FROM inventory.counts WHERE count_id = $1", id));
        // Every step went out as an event (through the outbox, in the step's own transaction).
        Assert.Equal("opened,lines-submitted,lines-stale,closed,lines-submitted,closed,approved", await stack.ScalarAsync<string>(
            "SELECT string_agg(payload->>'step', ',' ORDER BY seq) FROM inventory.outbox WHERE topic = 'stock-count-changed' AND payload->>'countId' = $1", id));
    }

    [Fact]
    public async Task An_approval_whose_service_died_before_posting_is_posted_when_it_restarts()
    {
        using var s = await StockedCentreAsync();
        var id = (await Json(await s.W1.PostAsJsonAsync("/api/v1/counts", new { centreId = s.Centre, partNumbers = new[] { s.Board } }))).GetProperty("countId").GetString()!;
        await Json(await s.W1.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 2, "S1", "S2") } }));
        await Json(await s.W1.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }));
        await Json(await s.W2.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 2, "S1", "S2") } }));
        Assert.Equal("ReadyToReview", (await Json(await s.W2.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }))).GetProperty("state").GetString());

        // The approval committed, then the service died before posting anything (written as the service writes it).
        stack.Stack.Kill("inventory");
        try
        {
            await using var cmd = stack.Database.CreateCommand(
                """
                INSERT INTO inventory.count_commands (count_id, seq, kind, body)
                SELECT $1, max(seq) + 1, 'Approved', jsonb_build_object('by', 'sup1', 'reasons', '{}'::jsonb, 'at', now()) FROM inventory.count_commands WHERE count_id = $1;
                """);
            cmd.Parameters.Add(new() { Value = id });
            await cmd.ExecuteNonQueryAsync();
            await using var header = stack.Database.CreateCommand("UPDATE inventory.counts SET state = 'Completed' WHERE count_id = $1");
            header.Parameters.Add(new() { Value = id });
            await header.ExecuteNonQueryAsync();
        }
        finally
        {
            await stack.Stack.RestartAsync("inventory");
        }

        await Eventually.Until(async () => await stack.ScalarAsync<bool>("SELECT adjustments_posted FROM inventory.counts WHERE count_id = $1", id),
            Settle, "the restarted service to post the approved adjustments");
        Assert.Equal(2, (await Json(await s.W1.GetAsync($"/api/v1/centres/{s.Centre}/stock/{s.Board}"))).GetProperty("onHand").GetInt64());
        // A retried approve after that posts nothing more.
        var retried = await Json(await s.Supervisor.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { }));
        Assert.Single(retried.GetProperty("adjustments").EnumerateArray());
        Assert.Equal(2, (await Json(await s.W1.GetAsync($"/api/v1/centres/{s.Centre}/stock/{s.Board}"))).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task Refused_count_calls_name_the_problem_and_record_nothing()
    {
        using var s = await StockedCentreAsync();
        using var both = await stack.RestAsAsync("ws1", ["warehouse", "supervisor"], [s.Centre]);
        var id = (await Json(await both.PostAsJsonAsync("/api/v1/counts", new { centreId = s.Centre, bins = new[] { "A-01" } }))).GetProperty("countId").GetString()!;
        var commands = await CommandsOf(id);

        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string named)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
            Assert.Contains(named, body);
            response.Dispose();
        }

        await Refused(await s.W1.PostAsJsonAsync("/api/v1/counts", new { centreId = s.Centre, partNumbers = new[] { s.Board } }), HttpStatusCode.BadRequest, id); // overlaps
        await Refused(await both.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-02", s.Board, 1, "S9") } }), HttpStatusCode.BadRequest, "bin");
        await Refused(await both.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, -1) } }), HttpStatusCode.BadRequest, "counted_quantity");
        await Refused(await both.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }), HttpStatusCode.BadRequest, "not");
        Assert.Equal(commands, await CommandsOf(id));

        await Json(await both.PostAsJsonAsync($"/api/v1/counts/{id}/lines", new { lines = new[] { Line("A-01", s.Board, 3, "S1", "S2", "S3") } }));
        Assert.Equal("ReadyToReview", (await Json(await both.PostAsJsonAsync($"/api/v1/counts/{id}:close", new { }))).GetProperty("state").GetString());
        commands = await CommandsOf(id);
        await Refused(await both.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { }), HttpStatusCode.Forbidden, "own");
        Assert.Equal(commands, await CommandsOf(id));
        using var engineer = await stack.RestAsAsync("e1", "engineer");
        using (var wrongRole = await engineer.PostAsJsonAsync("/api/v1/counts", new { centreId = s.Centre, bins = new[] { "A-02" } }))
            Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);

        var approved = await Json(await s.Supervisor.PostAsJsonAsync($"/api/v1/counts/{id}:approve", new { }));
        Assert.Empty(approved.GetProperty("adjustments").EnumerateArray()); // counted as expected: nothing to post
        Assert.Equal("Completed", approved.GetProperty("count").GetProperty("state").GetString());
    }
}
