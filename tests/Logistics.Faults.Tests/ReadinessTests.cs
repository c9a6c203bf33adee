using System.Net;
using Logistics.Testing;

namespace Logistics.Faults.Tests;

/// <summary>
/// Readiness says whether a service can serve (its database, Redis, its sidecar answer) and the console (its database,
/// its sidecar, the gateway); liveness only whether the process answers.
/// An outage of a dependency takes the service out of traffic without restarting it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReadinessTests(TestStack stack)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_postgres_stopped_every_service_and_the_console_is_unready_but_alive_and_ready_again_once_it_is_back()
    {
        var services = stack.Stack.Layout.Apps.Select(a => a.AppId).Append(Web).ToList();
        Assert.All(await StatusesAsync(services, "/readyz"), s => Assert.Equal(HttpStatusCode.OK, s.Status));

        stack.Stack.Postgres.Stop();
        try
        {
            foreach (var service in services)
            {
                await UntilAsync(service, "/readyz", HttpStatusCode.ServiceUnavailable);
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, "/healthz"));
            }
        }
        finally
        {
            await stack.Stack.RestartAsync("postgres");
        }
        foreach (var service in services) await UntilAsync(service, "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_redis_stopped_inventory_is_unready_but_alive()
    {
        stack.Stack.Redis.Stop();
        try
        {
            await UntilAsync("inventory", "/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("inventory", "/healthz"));
        }
        finally
        {
            await stack.Stack.RestartAsync("redis");
        }
        await UntilAsync("inventory", "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_its_sidecar_killed_a_service_is_unready_but_alive_and_the_others_stay_ready()
    {
        stack.Stack.Kill("receipts-sidecar");
        try
        {
            await UntilAsync("receipts", "/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("receipts", "/healthz"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("returns", "/readyz"));
        }
        finally
        {
            await stack.Stack.RestartAsync("receipts-sidecar");
        }
        await UntilAsync("receipts", "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_its_sidecar_killed_the_console_is_unready_but_alive()
    {
        var web = Web;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/readyz"));
        stack.Stack.Kill($"{web}-sidecar");
        try
        {
            await UntilAsync(web, "/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/healthz"));
        }
        finally
        {
            await stack.Stack.RestartAsync($"{web}-sidecar");
        }
        await UntilAsync(web, "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_the_gateway_killed_the_console_is_unready_but_alive_and_ready_again_once_it_is_back()
    {
        var web = Web;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/readyz"));
        stack.Stack.Kill("gateway");
        try
        {
            await UntilAsync(web, "/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/healthz"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("requests", "/readyz")); // the services do not need the gateway
        }
        finally
        {
            await stack.Stack.RestartAsync("gateway");
        }
        await UntilAsync(web, "/readyz", HttpStatusCode.OK);
    }

    private string Web => stack.Stack.Layout.Web?.AppId ?? throw new InvalidOperationException("the stack has no web console");

    private async Task<HttpStatusCode> StatusAsync(string service, string path)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{stack.Stack.Layout.App(service).HttpPort}{path}");
        return response.StatusCode;
    }

    private async Task<List<(string Service, HttpStatusCode Status)>> StatusesAsync(IEnumerable<string> services, string path)
    {
        var statuses = new List<(string, HttpStatusCode)>();
        foreach (var service in services) statuses.Add((service, await StatusAsync(service, path)));
        return statuses;
    }

    private async Task UntilAsync(string service, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = (HttpStatusCode)0;
        while (DateTime.UtcNow < deadline)
        {
            try { last = await StatusAsync(service, path); }
            catch (HttpRequestException) { last = 0; }
            catch (TaskCanceledException) { last = 0; }
            if (last == expected) return;
            await Task.Delay(250);
        }
        Assert.Fail($"{service}{path}: {last} after {Patience.TotalSeconds} s, expected {expected}");
    }
}
