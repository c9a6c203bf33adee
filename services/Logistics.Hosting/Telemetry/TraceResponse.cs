using System.Diagnostics;
using Microsoft.AspNetCore.Builder;

namespace Logistics.Hosting.Telemetry;

/// <summary>
/// Every answer of a service names the trace and the span that served it, in a <c>traceresponse</c> header (W3C Trace
/// Context Level 2: <c>00-{trace-id}-{span-id}-{flags}</c>). The gateway passes it through as it is, so a caller, and a
/// test, can see that the service worked inside the caller's trace without an exporter; support can ask for it.
/// Services only: the gateway adds none of its own, which would hide the service's.
/// </summary>
public static class TraceResponse
{
    public const string Header = "traceresponse";

    public static IApplicationBuilder UseTraceResponse(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
                context.Response.Headers[Header] = $"00-{activity.TraceId}-{activity.SpanId}-{(activity.Recorded ? "01" : "00")}";
            return next(context);
        });
}
