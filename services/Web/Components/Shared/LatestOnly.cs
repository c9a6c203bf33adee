namespace Logistics.Web.Components.Shared;

/// <summary>
/// A lookup that follows what someone types: it runs once typing pauses, and a newer keystroke cancels the older
/// lookup, so a slow answer for "AB" never overwrites the answer for "ABC" and a typed id costs one call, not one per key.
/// </summary>
public sealed class LatestOnly(TimeSpan pause) : IDisposable
{
    private CancellationTokenSource? _current;

    /// <summary>Runs <paramref name="lookup"/> after the pause unless a newer call came first; false when superseded.</summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> lookup)
    {
        _current?.Cancel();
        _current?.Dispose();
        var mine = _current = new CancellationTokenSource();
        var token = mine.Token;
        try
        {
            await Task.Delay(pause, token);
            await lookup(token);
            return !token.IsCancellationRequested;
        }
        // A superseded call may end in any exception its client throws on cancellation (gRPC: RpcException Cancelled).
        catch (Exception) when (token.IsCancellationRequested) { return false; }
    }

    public void Dispose()
    {
        _current?.Cancel();
        _current?.Dispose();
    }
}
