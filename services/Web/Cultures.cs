using Microsoft.AspNetCore.Localization;

namespace Logistics.Web;

/// <summary>English and Simplified Chinese: from the browser's languages, or the choice kept in a cookie.</summary>
public static class Cultures
{
    public static readonly string[] Supported = ["en", "zh-Hans"];

    public static RequestLocalizationOptions LocalizationOptions()
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture("en")
            .AddSupportedCultures(Supported)
            .AddSupportedUICultures(Supported);
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        // The cookie first (the person's choice), then Accept-Language (zh-CN falls back to zh-Hans).
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        return options;
    }

    /// <summary>GET /culture?name=zh-Hans&amp;back=/path: keeps the choice and reloads the page in that language.</summary>
    public static void MapCultureEndpoint(this WebApplication app) =>
        app.MapGet("/culture", (HttpContext http, string? name, string? back) =>
        {
            var culture = Supported.Contains(name) ? name! : "en";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax });
            return Results.LocalRedirect(back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//") ? back : "/");
        }).AllowAnonymous();
}
