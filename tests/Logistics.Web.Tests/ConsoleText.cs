using System.Globalization;
using Logistics.Web.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Logistics.Web.Tests;

/// <summary>The console's real resources, as the pages get them, and a read of them in one culture.</summary>
internal static class ConsoleText
{
    public static readonly IStringLocalizer L =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Text));

    public static string In(string culture, Func<IStringLocalizer, string> read)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return read(L); }
        finally { CultureInfo.CurrentUICulture = before; }
    }
}
