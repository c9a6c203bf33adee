using System.Collections.Concurrent;

namespace Logistics.Web.Live;

/// <summary>
/// Tells open screens that something they show has changed. A screen watches keys (a request id, a return id,
/// "engineer:ID", "centre:ID"); an event names the keys it touches. The screen then reads again through the API,
/// so a notification carries no data and a repeated or forged one changes nothing.
/// </summary>
public sealed class LiveUpdates
{
    private readonly ConcurrentDictionary<Guid, Watcher> _watchers = new();

    private sealed record Watcher(IReadOnlySet<string> Keys, Func<Task> OnChange);

    public IDisposable Watch(IEnumerable<string> keys, Func<Task> onChange)
    {
        var id = Guid.NewGuid();
        _watchers[id] = new Watcher(keys.Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal), onChange);
        return new Unwatch(() => _watchers.TryRemove(id, out _));
    }

    public void Notify(IReadOnlyCollection<string> keys)
    {
        foreach (var watcher in _watchers.Values)
            if (keys.Any(watcher.Keys.Contains))
                _ = watcher.OnChange(); // each screen re-reads on its own circuit; a slow one does not hold up the others
    }

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
