using System.Diagnostics;

namespace Logistics.Testing;

/// <summary>Waits on a condition by polling it, never on a fixed sleep; fails with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        T last = default!;
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await probe();
                if (done(last)) return last;
                lastError = null;
            }
            catch (Exception e)
            {
                lastError = e;
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
        throw new TimeoutException(
            $"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}; last error: {lastError?.Message}");
    }

    public static Task Until(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Until(probe, ok => ok, timeout, what);

    /// <summary>Asserts a condition holds throughout a window (for "this must NOT happen" checks).</summary>
    public static async Task Never(Func<Task<bool>> happened, TimeSpan window, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            if (await happened()) throw new InvalidOperationException($"Unexpectedly observed: {what}");
            await Task.Delay(50);
        }
    }
}
