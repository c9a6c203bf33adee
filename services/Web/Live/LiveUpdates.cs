using System.Collections.Concurrent;
using System.Globalization;

namespace Logistics.Web.Live;

/// <summary>
/// Tells open screens that something they show has changed. A screen watches keys (a request id, a return id,
/// "engineer:ID", "centre:ID"); an event names the keys it touches. The screen then reads again through the API,
/// so a notification carries no data and a repeated or forged one changes nothing.
/// </summary>
public sealed class LiveUpdates
{
    private readonly ConcurrentDictionary<Guid, Watcher> _watchers = new();

    /// <summary>A screen's keys and callback, with the language its user reads it in.</summary>
    private sealed record Watcher(IReadOnlySet<string> Keys, Func<Task> OnChange, CultureInfo Culture, CultureInfo UiCulture);

    public IDisposable Watch(IEnumerable<string> keys, Func<Task> onChange)
    {
        var id = Guid.NewGuid();
        _watchers[id] = new Watcher(keys.Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal), onChange,
            CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        return new Unwatch(() => _watchers.TryRemove(id, out _));
    }

    public void Notify(IReadOnlyCollection<string> keys)
    {
        foreach (var watcher in _watchers.Values)
            if (keys.Any(watcher.Keys.Contains))
                _ = ChangedAsync(watcher); // each screen re-reads on its own circuit; a slow one does not hold up the others
    }

    /// <summary>
    /// Runs the screen's callback in its user's culture: the event arrives on the sidecar's request, whose culture
    /// would otherwise flow into the re-render (a Chinese screen redrawn in English). The culture set here stays
    /// inside this async call.
    /// </summary>
    private static async Task ChangedAsync(Watcher watcher)
    {
        CultureInfo.CurrentCulture = watcher.Culture;
        CultureInfo.CurrentUICulture = watcher.UiCulture;
        await watcher.OnChange();
    }

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
