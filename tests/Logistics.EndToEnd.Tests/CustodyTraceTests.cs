using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Custody.V1;
using Logistics.Testing;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// A serial's custody history read through the gateway is one trace from the caller to custody: the caller's
/// <c>traceparent</c> goes through the gateway (which adds a span of its own) to custody, and custody says which trace
/// and span served it in its <c>traceresponse</c> header, which the gateway passes back. The stack exports no spans, and
/// an in-test ActivityListener cannot see into other processes: the header is how the trace custody saw is checked.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CustodyTraceTests(TestStack stack)
{
    [Fact]
    public async Task A_custody_history_call_through_the_gateway_is_served_inside_the_callers_trace_over_rest_and_grpc()
    {
        var serial = "TRACE-" + Guid.NewGuid().ToString("N")[..12];
        var token = await stack.TokenAsync("auditor-trace-" + serial, "auditor");

        // REST: gateway's HTTP port → custody's HTTP port. The client sends the header as given (no activity of its own).
        var restTrace = ActivityTraceId();
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(stack.Stack.GatewayHttp) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/serials/{serial}/custody");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", $"00-{restTrace}-{CallerSpan}-01");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(serial, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("serial").GetString());
        AssertServedInside(restTrace, Assert.Single(response.Headers.GetValues("traceresponse")));

        // gRPC: gateway's h2c port → custody's gRPC port.
        var grpcTrace = ActivityTraceId();
        using var channel = GrpcChannel.ForAddress(stack.Stack.GatewayGrpc, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { ActivityHeadersPropagator = null } });
        using var call = new CustodyService.CustodyServiceClient(channel).GetCustodyHistoryAsync(new GetCustodyHistoryRequest { Serial = serial },
            new Metadata { { "authorization", "Bearer " + token }, { "traceparent", $"00-{grpcTrace}-{CallerSpan}-01" } });
        var history = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(serial, history.Serial);
        AssertServedInside(grpcTrace, headers.GetValue("traceresponse") ?? throw new Xunit.Sdk.XunitException("custody's answer carries no traceresponse"));
    }

    private const string CallerSpan = "00f067aa0ba902b7";

    private static string ActivityTraceId() => Guid.NewGuid().ToString("N"); // 32 hex digits, never all zero

    /// <summary>Custody's span is in the caller's trace, and is not the caller's span: custody started a span of its own under it.</summary>
    private static void AssertServedInside(string traceId, string traceResponse)
    {
        var parts = traceResponse.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(("00", traceId), (parts[0], parts[1]));
        Assert.Matches("^[0-9a-f]{16}$", parts[2]);
        Assert.NotEqual(CallerSpan, parts[2]);
    }
}
