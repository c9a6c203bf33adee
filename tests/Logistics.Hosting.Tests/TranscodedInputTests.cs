using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Logistics.Hosting.Grpc;
using Logistics.Hosting.Http;
using Logistics.Requests.V1;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Tests;

/// <summary>
/// The REST side of every service, as the services compose it: Kestrel, gRPC JSON transcoding of a real proto
/// (requests'), the request validation of Logistics.Hosting and the response headers, in front of a service that
/// records every call that reaches it. What the validation refuses must never reach the service.
/// </summary>
public sealed class TranscodedInputTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private readonly RecordingService _service = new();

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });
        builder.Services.AddSingleton(_service);
        builder.Services.AddGrpc(o => o.Interceptors.Add<DomainErrorInterceptor>()).AddJsonTranscoding();
        _app = builder.Build();
        _app.UseApiResponseHeaders();
        _app.UseRouting();
        _app.UseTranscodedRequestValidation();
        _app.MapGrpcService<RecordingService>();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private const string Submit = """{"ticketId":"TCK-1","siteId":"SITE-1","centreId":"C-1","partNumber":"P-1","quantity":1,"serviceLevel":"7x24x4"}""";

    private async Task<(HttpStatusCode Status, string Message)> PostAsync(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, MessageOf(await response.Content.ReadAsStringAsync()));
    }

    private async Task<(HttpStatusCode Status, string Message)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, MessageOf(await response.Content.ReadAsStringAsync()));
    }

    private static string MessageOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? "" : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    [Fact]
    public async Task A_good_request_reaches_the_service()
    {
        var (status, _) = await PostAsync("/api/v1/part-requests", Encoding.UTF8.GetBytes(Submit));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["RequestParts TCK-1"], _service.Calls);
    }

    public static TheoryData<string, string> LoneSurrogates => new()
    {
        // The body as sent on the wire: JSON escapes that no .NET string can hold.
        { Submit.Replace("\"TCK-1\"", "\"\\ud800\""), "ticket_id" },
        { Submit.Replace("\"TCK-1\"", "\"TCK\\udfff-1\""), "ticket_id" },
        { Submit.Replace("\"SITE-1\"", "\"\\ud800\\ud800\""), "site_id" },
        { Submit.Replace("\"7x24x4\"", "\"\\udc00x\""), "service_level" },
        // A field the method does not have: transcoding would skip it, but its text must be text too.
        { Submit.Replace("{", "{\"unknownField\":\"\\ud800\",", StringComparison.Ordinal), "unknownField" },
        // The name of a property.
        { Submit.Replace("\"ticketId\"", "\"\\ud800\""), "(body)" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task A_lone_surrogate_in_any_string_is_a_400_naming_the_field_and_reaches_nothing(string body, string field)
    {
        var (status, message) = await PostAsync("/api/v1/part-requests", Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(field + ":", message);
        Assert.Contains("not valid text (an unpaired UTF-16 surrogate", message);
        Assert.Empty(_service.Calls);
    }

    [Theory]
    [InlineData("\\u0000", "U+0000")]
    [InlineData("\\u0007", "U+0007")]
    [InlineData("\\u001b[31m", "U+001B")]
    [InlineData("\\u0085", "U+0085")]
    public async Task A_control_character_in_any_string_is_a_400_naming_the_field(string escaped, string named)
    {
        var (status, message) = await PostAsync("/api/v1/part-requests", Encoding.UTF8.GetBytes(Submit.Replace("TCK-1", "TCK" + escaped)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"ticket_id: contains a control character ({named}) at position 3", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task Invalid_utf8_bytes_in_a_body_are_a_400_and_reach_nothing()
    {
        var good = Encoding.UTF8.GetBytes(Submit);
        var at = Encoding.UTF8.GetBytes(Submit).AsSpan().IndexOf("TCK"u8);
        var bad = good.ToArray();
        bad[at] = 0xFF;
        bad[at + 1] = 0xFE;

        var (status, message) = await PostAsync("/api/v1/part-requests", bad);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ticket_id: is not valid text (an unpaired UTF-16 surrogate, or bytes that are not UTF-8)", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task A_NUL_in_a_path_is_refused_by_Kestrel_before_anything_reads_it()
    {
        var (status, _) = await GetAsync("/api/v1/part-requests/PR%00-1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(_service.Calls);
    }

    [Theory]
    [InlineData("/api/v1/part-requests/PR%1B-1", "request_id", "U+001B")]
    [InlineData("/api/v1/part-requests/PR%07-1", "request_id", "U+0007")]
    public async Task A_control_character_in_a_path_parameter_is_a_400_naming_it(string path, string field, string named)
    {
        var (status, message) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"{field}: contains a control character ({named}) at position 2", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_path_never_reaches_the_service_as_text()
    {
        var (status, _) = await GetAsync("/api/v1/part-requests/PR%ED%A0%80");
        Assert.True((int)status < 500, $"{status}");
        // Kestrel keeps an invalid sequence percent-encoded, so the id the service sees is not a decoded surrogate.
        Assert.DoesNotContain(_service.Calls, c => c.Any(char.IsSurrogate));
    }

    [Fact]
    public async Task The_replacement_character_in_a_query_value_is_a_400()
    {
        // U+FFFD is what a decoder leaves where bytes were not UTF-8; no id or filter means it.
        var (status, message) = await GetAsync("/api/v1/part-requests?engineerId=A%EF%BF%BDB");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("engineer_id: contains bytes that are not UTF-8 (U+FFFD) at position 1", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task A_body_field_that_contradicts_the_path_is_a_400_and_the_same_value_passes()
    {
        var (status, message) = await PostAsync("/api/v1/part-requests/PR-1:approve", """{"requestId":"PR-2"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("request_id: the body gives 'PR-2' but the path gives 'PR-1'; give it in the path only", message);
        Assert.Empty(_service.Calls);

        (status, _) = await PostAsync("/api/v1/part-requests/PR-1:approve", """{"requestId":"PR-1"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["ApprovePartRequest PR-1"], _service.Calls);
    }

    [Fact]
    public async Task An_unknown_filter_on_a_list_is_a_400_naming_it()
    {
        var (status, message) = await GetAsync("/api/v1/part-requests?siteId=NOPE");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("siteId: is not a query parameter of this method (known: engineerId, state, late, pageSize, pageToken, centreId)", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task Known_filters_in_either_spelling_reach_the_service()
    {
        var (status, _) = await GetAsync("/api/v1/part-requests?engineerId=eng-1&page_size=5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["ListPartRequests eng-1 5"], _service.Calls);
    }

    [Theory]
    [InlineData("/api/v1/part-requests/PR-1?requestId=PR-2", "request_id: is not a query parameter of this method (it goes in the path)")]
    [InlineData("/api/v1/part-requests/PR-1?x=1", "x: is not a query parameter of this method (it takes none)")]
    [InlineData("/api/v1/part-requests?engineerId=%00", "engineer_id: contains a control character (U+0000) at position 0")]
    [InlineData("/api/v1/part-requests?%07=1", "(query): a parameter name contains a control character (U+0007) at position 0")]
    public async Task A_query_parameter_the_method_does_not_take_or_that_is_not_text_is_a_400(string path, string expected)
    {
        var (status, message) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task A_query_parameter_on_a_method_with_a_body_is_a_400()
    {
        var (status, message) = await PostAsync("/api/v1/part-requests?centreId=C-2", Encoding.UTF8.GetBytes(Submit));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("centre_id: is not a query parameter of this method (it goes in the body)", message);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task Every_answer_says_nosniff_and_no_store_and_names_no_server()
    {
        foreach (var path in new[] { "/api/v1/part-requests?engineerId=e", "/api/v1/part-requests?siteId=NOPE", "/nothing-here" })
        {
            using var response = await _http.GetAsync(path);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.False(response.Headers.Contains("Server"), $"{path}: Server: {string.Join(",", response.Headers.TryGetValues("Server", out var s) ? s : [])}");
        }
    }

    /// <summary>A part requests service that only records what reached it.</summary>
    private sealed class RecordingService : PartRequestsService.PartRequestsServiceBase
    {
        public List<string> Calls { get; } = [];

        public override Task<PartRequest> RequestParts(RequestPartsRequest request, ServerCallContext context)
        {
            lock (Calls) Calls.Add($"RequestParts {request.TicketId}");
            return Task.FromResult(new PartRequest { RequestId = "PR-1", TicketId = request.TicketId });
        }

        public override Task<PartRequest> GetPartRequest(GetPartRequestRequest request, ServerCallContext context)
        {
            lock (Calls) Calls.Add($"GetPartRequest {request.RequestId}");
            return Task.FromResult(new PartRequest { RequestId = request.RequestId });
        }

        public override Task<PartRequest> ApprovePartRequest(ApprovePartRequestRequest request, ServerCallContext context)
        {
            lock (Calls) Calls.Add($"ApprovePartRequest {request.RequestId}");
            return Task.FromResult(new PartRequest { RequestId = request.RequestId });
        }

        public override Task<ListPartRequestsResponse> ListPartRequests(ListPartRequestsRequest request, ServerCallContext context)
        {
            lock (Calls) Calls.Add($"ListPartRequests {request.EngineerId} {request.PageSize}");
            return Task.FromResult(new ListPartRequestsResponse());
        }
    }
}
