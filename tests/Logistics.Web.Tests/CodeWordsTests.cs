using System.Collections;
using System.Globalization;
using System.Resources;
using Logistics.Web.Resources;

namespace Logistics.Web.Tests;

/// <summary>
/// Code words from the services in Chinese, read from the console's real resources: a word with a label of its own, a
/// word whose capitalised form is the label (the resx cannot hold both), and an unknown word shown as sent; in English,
/// a code word that is not English as written reads as words.
/// </summary>
public sealed class CodeWordsTests
{
    [Theory]
    [InlineData("carrier", "承运商")]       // the holder kind; the label "Carrier" carries the translation
    [InlineData("available", "可用")]
    [InlineData("Shipped", "已发货")]
    [InlineData("no-such-word", "no-such-word")]
    public void A_code_word_is_shown_in_chinese_when_a_label_translates_it(string code, string shown)
    {
        Assert.Equal(shown, ConsoleText.In("zh-Hans", l => l.Word(code)));
    }

    [Theory]
    [InlineData("carrier", "carrier")]                                   // English as written: shown as sent
    [InlineData("packaging-non-compliant", "packaging not compliant")]   // a code word: its English words
    [InlineData("needs_replacement", "needs replacement")]
    [InlineData("confirmed-doa", "confirmed DOA")]
    public void In_english_a_code_word_reads_as_words(string code, string shown)
    {
        Assert.Equal(shown, ConsoleText.In("en-GB", l => l.Word(code)));
    }

    [Fact]
    public void Every_code_word_with_english_words_has_chinese_words_too()
    {
        var resources = new ResourceManager(typeof(Text).FullName!, typeof(Text).Assembly);
        var english = resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        var chinese = resources.GetResourceSet(CultureInfo.GetCultureInfo("zh-Hans"), createIfNotExists: true, tryParents: false)!;
        var codes = english.Cast<DictionaryEntry>().Select(e => (string)e.Key).ToList();
        Assert.NotEmpty(codes);
        Assert.DoesNotContain(codes, code => chinese.GetString(code) is null);
    }
}

/// <summary>A step the system took reads "automatically", a person's step names the person, in both languages.</summary>
public sealed class ActorsTests
{
    [Theory]
    [InlineData("en", "inventory", "automatically")]
    [InlineData("en", "system", "automatically")]
    [InlineData("en", "sup-1", "by sup-1")]
    [InlineData("zh-Hans", "returns", "系统自动")]
    [InlineData("zh-Hans", "eng-7", "操作人 eng-7")]
    public void Who_did_a_step_is_said_in_the_reader_s_words(string culture, string by, string shown)
    {
        Assert.Equal(shown, ConsoleText.In(culture, l => l.By(by)));
    }
}
