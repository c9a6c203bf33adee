using System.Net;
using Logistics.Testing;

namespace Logistics.Faults.Tests;

/// <summary>
/// Readiness says whether a service can serve (its database, Redis, its sidecar answer); liveness only whether the
/// process answers. An outage of a dependency takes the service out of traffic without restarting it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReadinessTests(TestStack stack)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_postgres_stopped_every_service_is_unready_but_alive_and_ready_again_once_it_is_back()
    {
        var services = stack.Stack.Layout.Apps.Select(a => a.AppId).ToList();
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
