namespace Logistics.Web.Resources;

/// <summary>
/// The console's strings. English is written in the pages (the keys); Text.zh-Hans.resx has the Chinese. The services'
/// code words that are not English as written ("no-fault-found", "needs_replacement") have their English in Text.resx;
/// every one of them has its Chinese too, so a Chinese page never falls back to it.
/// </summary>
public sealed class Text;
