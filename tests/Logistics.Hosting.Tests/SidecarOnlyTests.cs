using System.Net;
using Dapr;
using Logistics.Hosting.Messaging;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Tests;

/// <summary>The app API token on the subscriber endpoints, on a real Kestrel host composed as the services compose it.</summary>
public sealed class SidecarOnlyTests
{
    private const string Token = "app-token-for-the-test";

    [Fact]
    public async Task Subscriber_endpoints_answer_401_and_run_nothing_without_the_app_api_token()
    {
        var handled = 0;
        await using var app = Build("Production", new() { ["APP_API_TOKEN"] = Token }, out var port);
        app.UseSidecarOnly();
        app.UseCloudEvents();
        app.MapSubscribeHandler().WithMetadata(new SidecarOnlyAttribute());
        app.MapPost("/events/orders", () => { Interlocked.Increment(ref handled); return Results.Ok(); }).WithTopic("pubsub", "orders");
        app.MapGet("/healthz", () => Results.Ok());
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var token in new[] { null, "", "wrong", Token + "x", Token[..^1], Token.ToUpperInvariant() })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Post, "/events/orders", token));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, "/dapr/subscribe", token));
        }
        Assert.Equal(0, handled);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, "/healthz", null)); // not a subscriber route
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, "/dapr/subscribe", Token));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Post, "/events/orders", Token));
        Assert.Equal(1, handled);
    }

    [Fact]
    public void Without_a_token_a_service_refuses_to_start_outside_development_unless_told_it_may()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build("Production", [], out _));
        Assert.Contains("APP_API_TOKEN", e.Message);
        using (Build("Development", [], out _)) { }
        using (Build("Production", new() { [SidecarOnlyOptions.OpenSetting] = "true" }, out _)) { }
    }

    private static WebApplication Build(string environment, Dictionary<string, string?> settings, out int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        port = FreePort.Next();
        var listen = port;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, listen));
        builder.AddSidecarOnly();
        return builder.Build();
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
