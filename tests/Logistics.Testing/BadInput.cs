using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Logistics.Testing;

/// <summary>
/// The bad-input sweep's rows and how one runs: who calls, what is sent and what must come back (the status, the gRPC code
/// in the body, and the field or id the message must name), and the call must change nothing. The same rows run against
/// one service hosted in-process (its own REST port) or through the gateway (the local stack).
/// </summary>
public static class BadInput
{
    public const int InvalidArgument = 3;
    public const int NotFound = 5;
    public const int AlreadyExists = 6;
    public const int FailedPrecondition = 9;

    public const string Get = "GET", Post = "POST", Put = "PUT";

    /// <summary>A string of 10,000 characters.</summary>
    public static readonly string Long = new('x', 10_000);

    /// <summary>One bad call. <see cref="Named"/> is a field (snake_case, as in the proto) or the unknown id the message must name.</summary>
    public sealed record Case(string Name, string Who, string Method, string Path, string? Body, HttpStatusCode[] Statuses, int? Code, string Named)
    {
        /// <summary>An Idempotency-Key header to send with the call.</summary>
        public string? Key { get; init; }
    }

    public static Case Invalid(string name, string who, string method, string path, string? body, string field) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], InvalidArgument, field);

    public static Case Unknown(string name, string who, string method, string path, string? body, string named) =>
        new(name, who, method, path, body, [HttpStatusCode.NotFound], NotFound, named);

    public static Case WrongState(string name, string who, string method, string path, string? body, string named) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], FailedPrecondition, named);

    /// <summary>Not JSON, or not the message's shape: 400, nothing to name.</summary>
    public static Case Malformed(string name, string who, string method, string path, string body) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], InvalidArgument, "");

    public static TheoryData<string> Names(Case[] cases)
    {
        var data = new TheoryData<string>();
        foreach (var c in cases) data.Add(c.Name);
        return data;
    }

    /// <summary>
    /// Runs the row <paramref name="name"/> of <paramref name="table"/>: {tokens} in its path, body and name filled by
    /// <paramref name="fill"/>, sent by <paramref name="client"/>(who); the answer must be the row's, and
    /// <paramref name="state"/> must read the same before and after.
    /// </summary>
    public static async Task RunAsync(Case[] table, string name, Func<string, string> fill, Func<string, HttpClient> client, Func<Task<string>> state)
    {
        var c = table.Single(x => x.Name == name);
        var path = fill(c.Path);
        var body = c.Body is null ? null : fill(c.Body);
        var named = fill(c.Named);
        var before = await state();

        var (status, text) = await SendAsync(client(c.Who), c.Method, path, body, idempotencyKey: c.Key);

        var call = $"{c.Who}: {c.Method} {Shorten(path)} {Shorten(body ?? "")} → {(int)status} {Shorten(text, 600)}";
        Assert.True((int)status < 500, "a server error: " + call);
        Assert.True(c.Statuses.Contains(status), $"expected {string.Join(" or ", c.Statuses.Select(s => (int)s))}; {call}");
        if (c.Code is { } code)
            Assert.True(CodeOf(text) == code, $"expected gRPC code {code} in the body; {call}");
        if (named != "")
            Assert.True(text.Contains(named, StringComparison.Ordinal), $"the answer does not name '{Shorten(named)}'; {call}");
        var after = await state();
        Assert.True(before == after, $"the refused call changed the stored state; {call}\nbefore: {before}\nafter:  {after}");
    }

    /// <summary>The gRPC status code JSON transcoding put in an error body, if any.</summary>
    public static int? CodeOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
                ? code.GetInt32() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Shorten(string text, int max = 160) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";

    /// <summary>Sends one call; a 429 (the gateway's per-user rate limit) is waited out and sent again, as a client would.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string method, string path, string? body,
        string contentType = "application/json", string? idempotencyKey = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", contentType } } };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 10)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            return (response.StatusCode, text);
        }
    }
}
