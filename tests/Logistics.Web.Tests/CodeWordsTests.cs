using System.Globalization;
using Logistics.Web.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Logistics.Web.Tests;

/// <summary>
/// Code words from the services in Chinese, read from the console's real resources: a word with a label of its own, a
/// word whose capitalised form is the label (the resx cannot hold both), and an unknown word shown as sent.
/// </summary>
public sealed class CodeWordsTests
{
    private static readonly IStringLocalizer L =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Text));

    [Theory]
    [InlineData("carrier", "承运商")]       // the holder kind; the label "Carrier" carries the translation
    [InlineData("available", "可用")]
    [InlineData("Shipped", "已发货")]
    [InlineData("no-such-word", "no-such-word")]
    public void A_code_word_is_shown_in_chinese_when_a_label_translates_it(string code, string shown)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-Hans");
        try { Assert.Equal(shown, L.Word(code).Value); }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void In_english_a_code_word_is_shown_as_sent()
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        try { Assert.Equal("carrier", L.Word("carrier").Value); }
        finally { CultureInfo.CurrentUICulture = before; }
    }
}
