using System.Net;
using Logistics.Hosting.Http;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Logistics.Hosting.Tests;

/// <summary>
/// The caching the headers allow: nothing is kept, except a file that says it never changes (the console's
/// fingerprinted framework files), which keeps what it said.
/// </summary>
public sealed class ApiResponseHeadersTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.UseApiResponseHeaders();
        _app.MapGet("/app.abc123.js", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return "console.log(1)";
        });
        _app.MapGet("/part", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "public, max-age=600";
            return "{}";
        });
        _app.MapGet("/plain", () => "{}");
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/app.abc123.js", "public, max-age=31536000, immutable")]
    [InlineData("/part", "no-store")] // a backend's own caching of data is overridden
    [InlineData("/plain", "no-store")]
    [InlineData("/nothing-here", "no-store")]
    public async Task Only_an_immutable_file_keeps_its_caching(string path, string expected)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(expected, response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
