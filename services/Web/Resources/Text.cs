namespace Logistics.Web.Resources;

/// <summary>The console's strings. English is written in the pages (the keys); Text.zh-Hans.resx has the Chinese.</summary>
public sealed class Text;
