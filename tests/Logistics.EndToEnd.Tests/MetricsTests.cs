using System.Globalization;
using System.Net;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// The Prometheus scrape endpoints after a real flow: the subscribers' counters and lag, the outbox gauges, the
/// requests' ship-by gauges, inventory's reservations and the gateway's per-route requests move as the flow goes.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MetricsTests(TestStack stack)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_request_flow_moves_the_event_outbox_reservation_and_ship_by_metrics()
    {
        var inventoryBefore = await ScrapeAsync(ServiceMetrics("inventory"));
        using var f = await StockedAsync(stack);
        var submitted = await f.SubmitAsync();
        var id = Text(submitted, "requestId");
        var shipBy = DateTimeOffset.Parse(Text(submitted, "shipBy"), CultureInfo.InvariantCulture);
        await f.RequestInStateAsync(id, "Reserved");

        // Inventory applied the approval (counted once, with its lag); requests' outbox has published everything.
        var approved = new Dictionary<string, string> { ["topic"] = "part-request-approved" };
        var inventory = await Eventually.Until(() => ScrapeAsync(ServiceMetrics("inventory")),
            m => Sum(m, "logistics_events_applied_total", approved) > Sum(inventoryBefore, "logistics_events_applied_total", approved),
            Settle, "inventory counts the approval it applied");
        Assert.True(Sum(inventory, "logistics_events_lag_seconds_count", approved) > Sum(inventoryBefore, "logistics_events_lag_seconds_count", approved));
        Assert.True(Sum(inventory, "logistics_events_lag_seconds_bucket", new() { ["topic"] = "part-request-approved", ["le"] = "+Inf" })
            >= Sum(inventory, "logistics_events_applied_total", approved));
        await Eventually.Until(() => ScrapeAsync(ServiceMetrics("inventory")),
            m => Sum(m, "logistics_inventory_reservations", new() { ["state"] = "reserved" }) >= 1 && Has(m, "logistics_inventory_reservations_oldest_age_seconds"),
            Settle, "inventory's gauge counts the reservation");
        await Eventually.Until(() => ScrapeAsync(ServiceMetrics("requests")),
            m => Has(m, "logistics_outbox_waiting") && Sum(m, "logistics_outbox_waiting", []) == 0 && Sum(m, "logistics_outbox_oldest_age_seconds", []) == 0,
            Settle, "requests' outbox drained");

        // Ten minutes before the request's ship-by it is at risk; ten minutes after, late.
        var offset = stack.MoveClock(TimeSpan.Zero);
        var moved = TimeSpan.Zero;
        try
        {
            moved = stack.MoveClock(shipBy - (DateTimeOffset.UtcNow + offset) - TimeSpan.FromMinutes(10));
            await Eventually.Until(() => ScrapeAsync(ServiceMetrics("requests")), m => Sum(m, "logistics_requests_at_risk", []) >= 1,
                Settle, "the request counted at risk");
            moved = stack.MoveClock(TimeSpan.FromMinutes(20));
            await Eventually.Until(() => ScrapeAsync(ServiceMetrics("requests")), m => Sum(m, "logistics_requests_late", []) >= 1,
                Settle, "the request counted late");
        }
        finally
        {
            stack.MoveClock(offset - moved);
        }
    }

    [Fact]
    public async Task The_gateway_counts_requests_per_route_and_status_on_its_metrics_port_and_serves_no_metrics_publicly()
    {
        using var admin = await stack.RestAsAsync("admin1", "admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/centres")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/centres/NO-SUCH-CENTRE")).StatusCode);

        var route = new Dictionary<string, string> { ["http_route"] = "/api/v1/centres", ["http_response_status_code"] = "200" };
        var missing = new Dictionary<string, string> { ["http_route"] = "/api/v1/centres/{centreId}", ["http_response_status_code"] = "404" };
        var gateway = await ScrapeAsync($"http://127.0.0.1:{stack.Stack.Layout.Gateway.MetricsPort}/metrics");
        Assert.True(Sum(gateway, "http_server_request_duration_seconds_count", route) >= 1, "no 200 counted for GET /api/v1/centres");
        Assert.True(Sum(gateway, "http_server_request_duration_seconds_count", missing) >= 1, "no 404 counted for GET /api/v1/centres/{centreId}");

        // Neither the gateway's public ports nor anything behind them (the console's catch-all) serve a scrape.
        using (var response = await Http.GetAsync($"{stack.Stack.GatewayHttp}/metrics"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("http_server_request_duration", await response.Content.ReadAsStringAsync());
        }
        using (var response = await admin.GetAsync("/metrics/anything"))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Every_service_serves_its_outbox_gauges()
    {
        foreach (var app in stack.Stack.Layout.Apps)
        {
            var metrics = await ScrapeAsync(ServiceMetrics(app.AppId));
            Assert.True(Has(metrics, "logistics_outbox_waiting"), $"{app.AppId}: no logistics_outbox_waiting");
            Assert.True(Has(metrics, "logistics_outbox_oldest_age_seconds"), $"{app.AppId}: no logistics_outbox_oldest_age_seconds");
        }
    }

    private string ServiceMetrics(string appId) => $"http://127.0.0.1:{stack.Stack.Layout.App(appId).HttpPort}/metrics";

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    private static async Task<List<Sample>> ScrapeAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The Prometheus text format: `name{label="value",...} value [timestamp]`, comments skipped.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var labels = new Dictionary<string, string>();
            string name, rest;
            var brace = line.IndexOf('{');
            if (brace >= 0)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"").Replace("\\\\", "\\");
                }
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                var space = line.IndexOf(' ');
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            samples.Add(new Sample(name, labels, double.Parse(rest.Split(' ')[0], CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    private static IEnumerable<string> SplitLabels(string labels)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == '"' && (i == 0 || labels[i - 1] != '\\')) quoted = !quoted;
            else if (labels[i] == ',' && !quoted)
            {
                yield return labels[start..i];
                start = i + 1;
            }
        }
        if (start < labels.Length) yield return labels[start..];
    }

    private static bool Has(List<Sample> samples, string name) => samples.Any(s => s.Name == name);

    private static double Sum(List<Sample> samples, string name, Dictionary<string, string> labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);
}
