using Microsoft.AspNetCore.Builder;

namespace Logistics.Hosting.Http;

/// <summary>
/// Headers every answer of the gateway and the services carries: browsers must not guess a content type
/// (<c>X-Content-Type-Options: nosniff</c>), and nothing in between may keep a copy of an answer that holds
/// business data (<c>Cache-Control: no-store</c>). Set as the answer starts, so they override whatever a backend
/// behind the gateway sent, with one exception: a file whose answer says <c>immutable</c> (the console's fingerprinted
/// scripts and styles: the name changes with the content, and they hold no business data) keeps its caching, so a
/// browser does not fetch the same framework files on every page load.
/// </summary>
public static class ApiResponseHeaders
{
    public static IApplicationBuilder UseApiResponseHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers.XContentTypeOptions = "nosniff";
                if (!IsImmutableFile(response.Headers.CacheControl))
                    response.Headers.CacheControl = "no-store";
                response.Headers.Remove("Server"); // a service's, passed on by the gateway's proxy
                return Task.CompletedTask;
            });
            return next(context);
        });

    private static bool IsImmutableFile(Microsoft.Extensions.Primitives.StringValues cacheControl) =>
        cacheControl.Any(value => value?.Contains("immutable", StringComparison.OrdinalIgnoreCase) == true);
}
